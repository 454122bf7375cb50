#!/usr/bin/env python3
"""Benchmark of billing (hms_billing): invoicing a consultation, a batch, the worklist, a race.

On a database with the HMS addons and their demo data (``scripts/bench/setup_db``); it commits
its charges, invoices and a bench user: use a disposable copy.

1. A consultation's bill: five charges (the consultation, two tests, two medicines) recorded and
   invoiced with an insurance split (an insurer's and a patient's invoice, posted), against a
   bare ``account.move`` create + post of the same two invoices, call by call in turn.
2. ``--batch`` consultations invoiced in one call: invoices per second, against bare invoices
   of the same lines in the same run (both rolled back).
3. The unbilled-charges worklist (first 80, as the web client's list) with ``--charges`` charges
   in the table (set-based SQL), as a billing clerk, against the same read as superuser.
4. ``--clients`` concurrent "bill this encounter" calls over XML-RPC on ``odoo-bin --workers=2``:
   exactly one invoice must result.

    python scripts/bench/bench_billing.py -c <odoo.conf> -d <database> --charges 1000000
"""

import secrets
import threading
import time
import xmlrpc.client

from benchlib import environment, parse_args, percentiles, server, timed

BENCH_LOGIN = "bench_billing_clerk"
# A fresh password each run: the bench user exists only in disposable databases.
BENCH_PASSWORD = secrets.token_urlsafe(16)


def fixtures(env):
    """An insured demo patient, a practitioner of their clinic and five service products."""
    policy = env["hms.patient.insurance"].search([("active", "=", True)], limit=1)
    patient = policy.patient_id
    practitioner = env["hms.practitioner"].search([("company_ids", "in", patient.company_id.id)])[
        :1
    ]
    products = env["product.product"].create(
        [
            {"name": f"Bench service {n}", "type": "service", "list_price": 10.0 + n}
            for n in range(5)
        ]
    )
    return patient, practitioner, products


def charge_values(patient, encounter, products, code):
    return [
        {
            "res_model": "hms.encounter",
            "res_id": encounter.id,
            "code": f"{code}-{n}",
            "name": product.name,
            "patient_id": patient.id,
            "encounter_id": encounter.id,
            "company_id": patient.company_id.id,
            "product_id": product.id,
            "price_unit": product.lst_price,
        }
        for n, product in enumerate(products)
    ]


def bench_consultation_bill(env, patient, practitioner, products, runs):
    Charge, Move = env["hms.charge"], env["account.move"]
    encounter = env["hms.encounter"].create(
        {"patient_id": patient.id, "practitioner_id": practitioner.id}
    )
    policy = patient.insurance_ids.filtered("active")[:1]
    shares = [(policy.payer_id, policy.coverage_percent / 100), (patient.partner_id, None)]
    counter = iter(range(10**9))

    def hms():
        charges = Charge._hms_record(charge_values(patient, encounter, products, next(counter)))
        charges._hms_invoice(post=True)
        env.flush_all()

    def bare():
        moves = Move.create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "company_id": patient.company_id.id,
                    "invoice_line_ids": [
                        (
                            0,
                            0,
                            {
                                "product_id": p.id,
                                "quantity": 1,
                                "price_unit": p.lst_price * (share or (1 - shares[0][1])),
                            },
                        )
                        for p in products
                    ],
                }
                for partner, share in shares
            ]
        )
        moves.action_post()
        env.flush_all()

    hms_samples, bare_samples = [], []
    for _run in range(runs):  # in turn, so that both see the same machine
        hms_samples += timed(hms, 1)
        bare_samples += timed(bare, 1)
    return percentiles(hms_samples), percentiles(bare_samples)


def bench_batch(env, patient, practitioner, products, batch):
    Charge, Move = env["hms.charge"], env["account.move"]
    encounters = env["hms.encounter"].create(
        [{"patient_id": patient.id, "practitioner_id": practitioner.id}] * batch
    )
    vals = [
        v
        for encounter in encounters
        for v in charge_values(patient, encounter, products[:1], "batch")
    ]
    charges = Charge._hms_record(vals)
    env.flush_all()
    start = time.perf_counter()
    moves = charges._hms_invoice(post=True)
    env.flush_all()
    hms = time.perf_counter() - start
    product = products[0]
    start = time.perf_counter()
    bare_moves = Move.create(
        [
            {
                "move_type": "out_invoice",
                "partner_id": move.partner_id.id,
                "company_id": move.company_id.id,
                "invoice_line_ids": [
                    (0, 0, {"product_id": product.id, "quantity": 1, "price_unit": line.price_unit})
                    for line in move.invoice_line_ids
                ],
            }
            for move in moves
        ]
    )
    bare_moves.action_post()
    env.flush_all()
    bare = time.perf_counter() - start
    return len(moves), hms, bare


def generate_charges(env, count, patient, product):
    """``count`` charges of past consultations, one in ten still to bill (set-based SQL)."""
    env.cr.execute(
        """
        INSERT INTO hms_charge (name, res_model, res_id, code, reference, patient_id,
                                company_id, date, product_id, quantity, price_unit, amount,
                                state, create_date, write_date, create_uid, write_uid)
        SELECT 'Bench consultation', 'hms.bench', n, 'consultation',
               'hms.bench,' || n || ',consultation', %(patient)s, %(company)s,
               current_date - (n %% 3650), %(product)s, 1, 50, 50,
               CASE WHEN n %% 10 = 0 THEN 'to_bill' ELSE 'invoiced' END, now(), now(), 1, 1
          FROM generate_series(1, %(count)s) n
        """,
        {
            "count": count,
            "patient": patient.id,
            "company": patient.company_id.id,
            "product": product.id,
        },
    )
    env.cr.execute("ANALYZE hms_charge")


def bench_worklist(env, clerk, runs):
    spec = {
        "date": {},
        "patient_id": {"fields": {"display_name": {}}},
        "name": {},
        "amount": {},
        "state": {},
    }
    domain = [("state", "=", "to_bill")]

    def as_clerk():
        env.invalidate_all()
        env["hms.charge"].with_user(clerk).web_search_read(domain, spec, limit=80)

    def bare():
        env.invalidate_all()
        env["hms.charge"].search_read(domain, list(spec), limit=80)

    return percentiles(timed(as_clerk, runs)), percentiles(timed(bare, runs))


def bench_concurrent_bill(args, encounter_id, clients):
    outcome = {"invoiced": 0, "refused": 0}
    with server(args) as url:
        uid = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common").authenticate(
            args.database, BENCH_LOGIN, BENCH_PASSWORD, {}
        )
        lock, barrier = threading.Lock(), threading.Barrier(clients)

        def clerk():
            rpc = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object", allow_none=True)
            call = lambda *a: rpc.execute_kw(args.database, uid, BENCH_PASSWORD, *a)  # noqa: E731
            charge_ids = call("hms.charge", "search", [[("encounter_id", "=", encounter_id)]])
            barrier.wait(timeout=60)
            try:
                call("hms.charge", "action_invoice", [charge_ids])
                key = "invoiced"
            except xmlrpc.client.Fault:
                key = "refused"
            with lock:
                outcome[key] += 1

        threads = [threading.Thread(target=clerk) for _ in range(clients)]
        start = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - start
    return outcome, elapsed


def main():
    args = parse_args(
        __doc__.splitlines()[0],
        runs={"type": int, "default": 30},
        batch={"type": int, "default": 1000},
        charges={"type": int, "default": 1_000_000},
        clients={"type": int, "default": 16},
    )
    with environment(args.database, commit=False) as env:
        patient, practitioner, products = fixtures(env)
        (h50, h95), (b50, b95) = bench_consultation_bill(
            env, patient, practitioner, products, args.runs
        )
        print(
            f"consultation bill (5 charges, insurance split, 2 invoices posted): p50 {h50:.1f} "
            f"ms, p95 {h95:.1f} ms; bare account.move create + post of the same invoices: "
            f"p50 {b50:.1f} ms, p95 {b95:.1f} ms; ratio p50 {h50 / b50:.2f}x"
        )
        count, hms, bare = bench_batch(env, patient, practitioner, products, args.batch)
        print(
            f"batch of {args.batch} consultations: {count} invoices in {hms:.1f} s = "
            f"{count / hms:.1f} invoices/s; bare: {count / bare:.1f} invoices/s "
            f"(ratio {hms / bare:.2f}x)"
        )
    with environment(args.database) as env:
        patient, practitioner, products = fixtures(env)
        clerk = env["res.users"].search([("login", "=", BENCH_LOGIN)])
        if not clerk:
            clerk = env["res.users"].create(
                {
                    "name": "Bench Billing Clerk",
                    "login": BENCH_LOGIN,
                    "company_id": patient.company_id.id,
                    "company_ids": [(6, 0, patient.company_id.ids)],
                    "groups_id": [(4, env.ref("hms_base.group_hms_billing_clerk").id)],
                }
            )
        clerk.password = BENCH_PASSWORD
        if env["hms.charge"].search_count([]) < args.charges:
            generate_charges(env, args.charges, patient, products[0])
        total = env["hms.charge"].search_count([])
        (w50, w95), (wb50, wb95) = bench_worklist(env, clerk, args.runs)
        print(
            f"unbilled worklist, first 80 of {total} charges: p50 {w50:.1f} ms, p95 {w95:.1f} "
            f"ms (superuser search_read: p50 {wb50:.1f} ms, p95 {wb95:.1f} ms)"
        )
        encounter = env["hms.encounter"].create(
            {"patient_id": patient.id, "practitioner_id": practitioner.id}
        )
        env["hms.charge"]._hms_record(charge_values(patient, encounter, products, "race"))
        encounter_id = encounter.id
    outcome, elapsed = bench_concurrent_bill(args, encounter_id, args.clients)
    with environment(args.database) as env:
        moves = env["hms.charge"].search([("encounter_id", "=", encounter_id)]).invoice_line_ids
        print(
            f"{args.clients} concurrent 'bill this encounter' calls (--workers=2): "
            f"{outcome['invoiced']} invoiced, {outcome['refused']} refused in {elapsed:.1f} s; "
            f"{len(moves.move_id)} invoices in the database (expected: 2, one per share)"
        )


if __name__ == "__main__":
    main()
