#!/usr/bin/env python3
"""Benchmark of hms_appointment on generated data.

Usage (inside the HMS virtualenv, against a database where the HMS addons are installed):
    python scripts/bench/bench_appointments.py -c <odoo.conf> -d <db> --size 200000 --clients 16

1. Generates ``--size`` past appointments with INSERT ... SELECT generate_series, spread over
   ``--practitioners`` practitioners, ``--patients`` patients and ``--years`` years (the
   measured practitioner holds its share), plus one booking an hour for the measured
   practitioner over the next 30 days, then ANALYZE. ``--reuse`` measures a previous run's data.
2. Free-slot search over 30 days for one practitioner through the ORM (``_hms_free_slots``):
   p50/p95 against a bare-ORM baseline (search_read of the same appointments).
3. Starts odoo-bin with --workers=2 on a free port; ``--clients`` threads book the same
   practitioner's free slots over XML-RPC; reports throughput and the double bookings found in
   the database afterwards (must be 0).
4. Queue board load (the kanban's search_read) against a bare search_count.
"""

import random
import secrets
import sys
import threading
import time
import xmlrpc.client
from datetime import datetime, timedelta

from benchlib import environment, parse_args, percentiles, server, timed

BENCH_LOGIN = "bench_receptionist"
# A fresh password each run: the bench user exists only in the bench database.
BENCH_PASSWORD = secrets.token_urlsafe(16)


def generate(env, args):
    """Past appointments in bulk, and one booking an hour ahead for the measured practitioner.

    The history is spread over ``--practitioners`` practitioners, ``--patients`` patients and
    ``--years`` years (one row in twenty cancelled, one in twenty a no-show), so that the
    measured practitioner holds a realistic share of it.
    """
    cr = env.cr
    company = env.company
    calendar = env["resource.calendar"].create({"name": "Bench hours", "tz": "UTC"})
    practitioner = env["hms.practitioner"].create(
        {"name": "Bench Practitioner", "tz": "UTC", "resource_calendar_id": calendar.id}
    )
    others = env["hms.practitioner"].create(
        [
            {"name": f"Bench Practitioner {n}", "tz": "UTC", "resource_calendar_id": calendar.id}
            for n in range(args.practitioners - 1)
        ]
    )
    patients = env["hms.patient"].create(
        [{"name": f"Bench Patient {n}"} for n in range(args.patients)]
    )
    kind = env.ref("hms_appointment.appointment_type_consultation")
    practitioners = (practitioner | others).ids
    per_practitioner = max(args.size // len(practitioners), 1)
    spacing = max(1800, int(args.years * 365 * 86400 / per_practitioner))
    cr.execute(
        """
        INSERT INTO hms_appointment (name, patient_id, practitioner_id, company_id,
                    appointment_type_id, start, stop, state, source, color, triage_rank,
                    create_date, write_date, create_uid, write_uid)
        SELECT 'BENCH/' || n, (%(patients)s::int[])[1 + n %% %(patient_count)s],
               (%(practitioners)s::int[])[1 + n %% %(count)s], %(company)s, %(kind)s,
               slot, slot + interval '30 minutes',
               CASE n %% 20 WHEN 0 THEN 'cancelled' WHEN 1 THEN 'no_show' ELSE 'done' END,
               'desk', 7, 3, now(), now(), 1, 1
          FROM generate_series(1, %(size)s) AS n,
               LATERAL (SELECT date_trunc('hour', now()::timestamp) - interval '1 day'
                               - (n / %(count)s) * %(spacing)s * interval '1 second' AS slot) s
        """,
        {
            "patients": patients.ids,
            "patient_count": len(patients),
            "practitioners": practitioners,
            "count": len(practitioners),
            "company": company.id,
            "kind": kind.id,
            "size": args.size,
            "spacing": spacing,
        },
    )
    # Half of the measured practitioner's time ahead is taken: one booking at every full hour.
    cr.execute(
        """
        INSERT INTO hms_appointment (name, patient_id, practitioner_id, company_id,
                    appointment_type_id, start, stop, state, source, color, triage_rank,
                    create_date, write_date, create_uid, write_uid)
        SELECT 'BENCH/F' || n, %(patient)s, %(practitioner)s, %(company)s, %(kind)s,
               date_trunc('hour', now()::timestamp) + n * interval '1 hour',
               date_trunc('hour', now()::timestamp) + n * interval '1 hour' + interval '30 minutes',
               'confirmed', 'desk', 10, 3, now(), now(), 1, 1
          FROM generate_series(1, 24 * 30) AS n
        """,
        {
            "patient": patients[0].id,
            "practitioner": practitioner.id,
            "company": company.id,
            "kind": kind.id,
        },
    )
    cr.execute("ANALYZE hms_appointment")
    return practitioner, patients[0], kind


def bench_slots(env, practitioner, kind, runs):
    start = datetime.now().replace(microsecond=0)
    stop = start + timedelta(days=30)

    def slot_search():
        env.invalidate_all()
        practitioner._hms_free_slots(start, stop, kind)

    def baseline():
        env.invalidate_all()
        env["hms.appointment"].search_read(
            [
                ("practitioner_id", "=", practitioner.id),
                ("state", "not in", ("cancelled", "no_show")),
                ("start", "<", stop),
                ("stop", ">", start),
            ],
            ["start", "stop"],
        )

    return (
        percentiles(timed(slot_search, runs)),
        percentiles(timed(baseline, runs)),
        len(practitioner._hms_free_slots(start, stop, kind)),
    )


def bench_queue(env, runs):
    Appointment = env["hms.appointment"]
    domain = [("state", "in", ("checked_in", "in_consultation"))]
    fields = ["queue_ticket_display", "patient_id", "practitioner_id", "state", "waiting_minutes"]

    def board():
        env.invalidate_all()
        Appointment.search_read(domain, fields, order="triage_rank, checkin_date, id")

    def baseline():
        env.invalidate_all()
        Appointment.search_count(domain)

    return percentiles(timed(board, runs)), percentiles(timed(baseline, runs))


def bench_concurrent_booking(args, booking, slots):
    """``booking``: the ids of the appointment to book, ``slots``: (start, stop) to fight for."""
    with server(args) as url:
        uid = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common").authenticate(
            args.database, BENCH_LOGIN, BENCH_PASSWORD, {}
        )
        outcome = {"booked": 0, "refused": 0}
        lock = threading.Lock()

        def client(seed):
            proxy = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object", allow_none=True)
            order = list(slots)
            random.Random(seed).shuffle(order)
            for start, _stop in order:
                try:
                    proxy.execute_kw(
                        args.database,
                        uid,
                        BENCH_PASSWORD,
                        "hms.appointment",
                        "create",
                        [
                            {
                                **booking,
                                "start": start.strftime("%Y-%m-%d %H:%M:%S"),
                                "source": "phone",
                            }
                        ],
                    )
                    key = "booked"
                except xmlrpc.client.Fault:
                    key = "refused"
                with lock:
                    outcome[key] += 1

        threads = [threading.Thread(target=client, args=(n,)) for n in range(args.clients)]
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - began
    return outcome, elapsed


def count_double_bookings(cr, practitioner):
    cr.execute(
        """
        SELECT count(*) FROM hms_appointment a JOIN hms_appointment b
            ON a.practitioner_id = b.practitioner_id AND a.id < b.id
           AND tsrange(a.start, a.stop) && tsrange(b.start, b.stop)
         WHERE a.practitioner_id = %s
           AND a.state NOT IN ('cancelled', 'no_show') AND b.state NOT IN ('cancelled', 'no_show')
           AND NOT COALESCE(a.is_overbooking, false) AND NOT COALESCE(b.is_overbooking, false)
        """,
        [practitioner.id],
    )
    return cr.fetchone()[0]


def main():
    args = parse_args(
        __doc__.splitlines()[0],
        size={"type": int, "default": 200_000, "help": "generated appointments"},
        practitioners={"type": int, "default": 250},
        patients={"type": int, "default": 2000},
        years={"type": float, "default": 10, "help": "history spread over"},
        reuse={"action": "store_true", "help": "measure the data of a previous run, generate none"},
        clients={"type": int, "default": 16},
        runs={"type": int, "default": 50},
    )
    with environment(args.database, context={"tracking_disable": True}) as env:
        cr = env.cr
        if args.reuse:
            practitioner = env["hms.practitioner"].search([("name", "=", "Bench Practitioner")])
            patient = env["hms.patient"].search([("name", "=", "Bench Patient 0")], limit=1)
            kind = env.ref("hms_appointment.appointment_type_consultation")
        else:
            began = time.perf_counter()
            practitioner, patient, kind = generate(env, args)
            print(f"generated {args.size:,} appointments in {time.perf_counter() - began:.1f} s")
        cr.execute("SELECT count(*) FROM hms_appointment")
        print(f"appointments in the database: {cr.fetchone()[0]:,}")
        bench_user = env["res.users"].search([("login", "=", BENCH_LOGIN)])
        if bench_user:
            bench_user.password = BENCH_PASSWORD
        else:
            env["res.users"].create(
                {
                    "name": "Bench Receptionist",
                    "login": BENCH_LOGIN,
                    "password": BENCH_PASSWORD,
                    "groups_id": [(4, env.ref("hms_base.group_hms_receptionist").id)],
                }
            )
        (slot_p50, slot_p95), (base_p50, base_p95), free = bench_slots(
            env, practitioner, kind, args.runs
        )
        print(
            f"free-slot search, 30 days ({free} free slots): p50 {slot_p50:.1f} ms, "
            f"p95 {slot_p95:.1f} ms (bare ORM read of the bookings: p50 {base_p50:.1f} ms, "
            f"p95 {base_p95:.1f} ms; ratio p95 {slot_p95 / base_p95:.1f}x)"
        )
        (queue_p50, queue_p95), (qbase_p50, qbase_p95) = bench_queue(env, args.runs)
        print(
            f"queue board load: p50 {queue_p50:.1f} ms, p95 {queue_p95:.1f} ms "
            f"(bare search_count p50 {qbase_p50:.1f} ms, p95 {qbase_p95:.1f} ms)"
        )
        monday = datetime.now() + timedelta(days=1)
        slots = practitioner._hms_free_slots(monday, monday + timedelta(days=3), kind)[:24]
        booking = {
            "patient_id": patient.id,
            "practitioner_id": practitioner.id,
            "appointment_type_id": kind.id,
            "company_id": patient.company_id.id,
        }
    outcome, elapsed = bench_concurrent_booking(args, booking, slots)
    attempts = outcome["booked"] + outcome["refused"]
    with environment(args.database, commit=False) as env:
        doubles = count_double_bookings(
            env.cr, env["hms.practitioner"].browse(booking["practitioner_id"])
        )
    print(
        f"concurrent booking: {args.clients} clients x {len(slots)} slots over XML-RPC "
        f"(--workers=2): {attempts} attempts in {elapsed:.1f} s = {attempts / elapsed:.1f}/s; "
        f"booked {outcome['booked']}, refused {outcome['refused']}; double bookings: {doubles}"
    )
    return 1 if doubles or outcome["booked"] != len(slots) else 0


if __name__ == "__main__":
    sys.exit(main())
