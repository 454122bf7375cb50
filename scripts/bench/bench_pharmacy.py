#!/usr/bin/env python3
"""Benchmark of the pharmacy: dispensing, the pharmacist's queue, safety checks, concurrency.

Inside one transaction that is rolled back at the end, it generates (set-based SQL)
``--move-lines`` done stock move lines, ``--queue`` open prescriptions of the demo clinic and
a ``--catalogue``-pair interaction catalogue, then measures:

- dispensing a 3-line prescription as the demo pharmacist (verify: safety checks; prepare:
  FEFO picking with lots that outlive the course; hand over: validation, ledger, billable
  items, audit trail) against a bare picking create + confirm + assign + validate of the
  same three moves as the same user, the two in turn on each iteration with a cold cache;
- the pharmacist's queue: the first 80 open prescriptions (of ``--queue-patients``
  patients) as the list view reads them (``web_search_read`` with the fields of the queue's
  list view and the web client's count limit, record rules included) against a bare
  ``search_fetch`` of the same rows as superuser;
- the safety checks of a 10-line prescription for a patient with 20 active medicines,
  against the bare catalogue lookup of the same terms.

With ``--concurrency N`` it then commits a lot and N verified prescriptions that want more
than the lot holds, starts an Odoo server with ``--workers`` on a free port, and has N
threads dispense over XML-RPC as the demo pharmacist at once: it prints how many succeeded,
what the others were told, the throughput, and checks that the stock never went negative.
These committed records stay in the (benchmark) database.

    python scripts/bench/bench_pharmacy.py -c <odoo.conf> -d <database> --move-lines 1000000
"""

import os
import threading
import time
import xmlrpc.client
from datetime import timedelta

from benchlib import parse_args, percentiles, server
from lxml import etree

import odoo
from odoo import SUPERUSER_ID, Command, api, fields
from odoo.tools import SQL

# Tables the generated data goes to (rolled back at the end of each run).
VACUUMED = [
    "hms_prescription",
    "hms_prescription_line",
    "hms_drug_interaction",
    "stock_move",
    "stock_move_line",
]
DEMO_PASSWORD = "hms-demo-2026"  # noqa: S105 (the documented demo staff password)


def medicine(env, name, ingredients, *, atc=False, lot_quantity=0, location=None, days=(400, 700)):
    """A lot-tracked medicine; with ``lot_quantity``, two lots of it at ``location``."""
    product = (
        env["product.template"]
        .create(
            {
                "name": name,
                "categ_id": env.ref("hms_pharmacy.product_category_medicines").id,
                "is_storable": True,
                "tracking": "lot",
                "use_expiration_date": True,
                "hms_is_medicine": True,
                "hms_atc_code": atc,
                "hms_dose_unit": "tablet",
                "hms_pack_size": 10,
                "hms_ingredient_ids": [Command.create({"name": i}) for i in ingredients],
            }
        )
        .product_variant_id
    )
    for index, day in enumerate(days if lot_quantity else ()):
        lot = env["stock.lot"].create(
            {
                "name": f"{name}-{index}",
                "product_id": product.id,
                "company_id": location.company_id.id,
                "expiration_date": fields.Datetime.now() + timedelta(days=day),
            }
        )
        env["stock.quant"]._update_available_quantity(product, location, lot_quantity, lot_id=lot)
    return product


def generate_move_lines(env, count, product, source, destination):
    """``count`` done moves of ``product`` with one move line each, in one statement."""
    env.cr.execute(
        """
        WITH moves AS (
            INSERT INTO stock_move (name, company_id, product_id, product_uom, product_uom_qty,
                                    product_qty, quantity, location_id, location_dest_id,
                                    location_final_id, state, date, procure_method, picked,
                                    create_date, write_date)
            SELECT 'BENCH/' || n, %(company)s, %(product)s, %(uom)s, 1, 1, 1, %(source)s,
                   %(destination)s, %(destination)s, 'done', now() - n * interval '1 second',
                   'make_to_stock', TRUE, now(), now()
              FROM generate_series(1, %(count)s) n
            RETURNING id, date
        )
        INSERT INTO stock_move_line (move_id, company_id, product_id, product_uom_id, quantity,
                                     quantity_product_uom, location_id, location_dest_id,
                                     state, date, picked, create_date, write_date)
        SELECT id, %(company)s, %(product)s, %(uom)s, 1, 1, %(source)s, %(destination)s,
               'done', date, TRUE, now(), now()
          FROM moves
        """,
        {
            "count": count,
            "company": source.company_id.id,
            "product": product.id,
            "uom": product.uom_id.id,
            "source": source.id,
            "destination": destination.id,
        },
    )
    env.cr.execute("ANALYZE stock_move; ANALYZE stock_move_line")


def generate_queue(env, count, patients, practitioner):
    """``count`` issued prescriptions of ``patients`` waiting in the clinic's queue (1 % urgent)."""
    env.cr.execute(
        """
        INSERT INTO hms_prescription (name, patient_id, practitioner_id, company_id, state,
                                      queue_step, priority, date_issued, date_expiry,
                                      safety_severity, patient_label, create_date, write_date)
        SELECT 'BQ' || n, (%(patients)s::int[])[1 + n %% %(size)s], %(practitioner)s,
               %(company)s, 'issued', 'to_verify', CASE WHEN n %% 100 = 0 THEN '1' ELSE '0' END,
               now() - n * interval '1 minute', current_date + 30, 'none',
               (%(labels)s::varchar[])[1 + n %% %(size)s], now(), now()
          FROM generate_series(1, %(count)s) n
        """,
        {
            "count": count,
            "patients": patients.ids,
            "labels": patients.mapped("display_name"),
            "size": len(patients),
            "practitioner": practitioner.id,
            "company": patients.company_id.id,
        },
    )
    env.cr.execute("ANALYZE hms_prescription")


def generate_catalogue(env, count):
    env.cr.execute(
        """
        INSERT INTO hms_drug_interaction (term_a, term_b, severity, description, source, active,
                                          create_date, write_date)
        SELECT 'bench-a-' || n, 'bench-b-' || n,
               (ARRAY['minor', 'moderate', 'severe'])[1 + n %% 3], 'Bench effect', 'Bench', TRUE,
               now(), now()
          FROM generate_series(1, %(count)s) n
        """,
        {"count": count},
    )
    env.cr.execute("ANALYZE hms_drug_interaction")


def issued(env, patient, practitioner, products, days=10):
    prescription = env["hms.prescription"].create(
        {
            "patient_id": patient.id,
            "practitioner_id": practitioner.id,
            "company_id": patient.company_id.id,
            "line_ids": [
                Command.create(
                    {"product_id": p.id, "dose": 1, "frequency_value": 2, "duration_days": days}
                )
                for p in products
            ],
        }
    )
    prescription.action_issue()
    return prescription


def measure_dispensing(env, pharmacist, patient, practitioner, products, *, runs):
    """p50/p95 of our verify + prepare + hand over against a bare picking of the same moves."""
    picking_type = patient.company_id._hms_pharmacy_picking_type()
    source = picking_type.default_location_src_id
    destination = picking_type.default_location_dest_id

    def bare():
        Picking = env["stock.picking"].with_user(pharmacist)
        picking = Picking.create(
            {
                "picking_type_id": picking_type.id,
                "partner_id": patient.partner_id.id,
                "location_id": source.id,
                "location_dest_id": destination.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": p.name,
                            "product_id": p.id,
                            "product_uom_qty": 20,
                            "product_uom": p.uom_id.id,
                            "location_id": source.id,
                            "location_dest_id": destination.id,
                        }
                    )
                    for p in products
                ],
            }
        )
        picking.action_confirm()
        picking.action_assign()
        picking.move_ids.picked = True
        picking.button_validate()

    def ours(prescription):
        prescription = prescription.with_user(pharmacist)
        prescription.action_verify()
        prescription.action_prepare()
        prescription.action_hand_over()

    timings = {"bare picking": [], "ours": []}
    for _ in range(runs):
        prescription = issued(env, patient, practitioner, products)
        for label, run in (("bare picking", bare), ("ours", lambda p=prescription: ours(p))):
            env.flush_all()
            env.invalidate_all()
            start = time.perf_counter()
            run()
            env.flush_all()
            timings[label].append(time.perf_counter() - start)
    return {label: percentiles(samples) for label, samples in timings.items()}


def measure_queue(env, pharmacist, runs):
    Prescription = env["hms.prescription"]
    action = env.ref("hms_pharmacy.hms_prescription_action_queue")
    domain = odoo.tools.safe_eval.safe_eval(action.domain)
    # What the web client asks for the queue's list view (hms_prescription_view_list_queue).
    names = ["priority", "name", "patient_label", "date_issued", "waiting_minutes", "queue_step"]
    spec = {
        **{name: {} for name in names},
        "safety_severity": {},
        "state": {},
        "practitioner_id": {"fields": {"display_name": {}}},
        # Invisible columns: their ids only.
        "company_id": {"fields": {}},
        "patient_id": {"fields": {}},
    }
    stored = ["priority", "name", "patient_label", "date_issued", "queue_step", "state"]
    # The web client counts rows for the pager up to the list's count_limit (10,000 unless
    # the view says otherwise), asking for one more.
    arch = etree.fromstring(env.ref("hms_pharmacy.hms_prescription_view_list_queue").arch)
    count_limit = int(arch.get("count_limit") or 10_000) + 1
    timings = {"bare search_fetch": [], "ours (list view)": []}
    rows = 0
    for _ in range(runs):
        env.invalidate_all()
        start = time.perf_counter()
        Prescription.sudo().search_fetch(domain, stored, limit=80)
        timings["bare search_fetch"].append(time.perf_counter() - start)
        env.invalidate_all()
        start = time.perf_counter()
        result = Prescription.with_user(pharmacist).web_search_read(
            domain, spec, limit=80, count_limit=count_limit
        )
        timings["ours (list view)"].append(time.perf_counter() - start)
        rows = len(result["records"])
    return rows, {label: percentiles(samples) for label, samples in timings.items()}


def measure_safety(env, patient, practitioner, runs):
    """10 new lines against 20 current medicines; terms hit the generated catalogue."""
    current = [
        medicine(env, f"Bench current {n}", [f"bench-b-{n}"], atc="N02BE01") for n in range(20)
    ]
    new = [
        medicine(env, f"Bench new {n}", [f"bench-a-{n}"], atc=f"A10BA{n:02d}") for n in range(10)
    ]
    issued(env, patient, practitioner, current)
    draft = env["hms.prescription"].create(
        {
            "patient_id": patient.id,
            "practitioner_id": practitioner.id,
            "company_id": patient.company_id.id,
            "line_ids": [Command.create({"product_id": p.id, "dose": 1}) for p in new],
        }
    )
    Interaction = env["hms.drug.interaction"]
    keys_new = set().union(*(p._hms_safety_keys() for p in new))
    keys_all = keys_new | set().union(*(p._hms_safety_keys() for p in current))
    timings = {"bare catalogue lookup": [], "ours (all checks)": []}
    found = 0
    for _ in range(runs):
        env.invalidate_all()
        start = time.perf_counter()
        Interaction._hms_find(keys_new, keys_all)
        timings["bare catalogue lookup"].append(time.perf_counter() - start)
        env.invalidate_all()
        start = time.perf_counter()
        findings = draft._hms_safety_findings()
        timings["ours (all checks)"].append(time.perf_counter() - start)
        found = sum(len(f) for f in findings.values())
    return found, {label: percentiles(samples) for label, samples in timings.items()}


def race(url, database, uid, ids):
    """One thread per prescription, released at once: prepare and hand over over XML-RPC."""
    dispensers = len(ids)
    outcomes = [None] * dispensers
    barrier = threading.Barrier(dispensers)

    def dispense(index):
        proxy = xmlrpc.client.ServerProxy(url + "object")
        barrier.wait()
        try:
            for method in ("action_prepare", "action_hand_over"):
                proxy.execute_kw(
                    database,
                    uid,
                    DEMO_PASSWORD,
                    "hms.prescription",
                    method,
                    [[ids[index]]],
                )
            outcomes[index] = "dispensed"
        except xmlrpc.client.Fault as fault:
            outcomes[index] = fault.faultString.strip().splitlines()[-1][:100]

    threads = [threading.Thread(target=dispense, args=(i,)) for i in range(dispensers)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    return outcomes, elapsed


def measure_concurrency(args, registry, dispensers, workers):
    """N pharmacists at once over XML-RPC on a lot too small for all: commits its data."""
    per_prescription, lot_size = 10, 10 * dispensers // 2
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        patient = env.ref("hms_patient.patient_john_carter")
        practitioner = env.ref("hms_base.practitioner_hart")
        location = patient.company_id._hms_pharmacy_picking_type().default_location_src_id
        stamp = int(time.time())
        product = medicine(
            env,
            f"Bench last units {stamp}",
            [f"bench-last-{stamp}"],
            lot_quantity=lot_size,
            location=location,
            days=(400,),
        )
        prescriptions = env["hms.prescription"]
        for _ in range(dispensers):
            prescription = env["hms.prescription"].create(
                {
                    "patient_id": patient.id,
                    "practitioner_id": practitioner.id,
                    "company_id": patient.company_id.id,
                    "line_ids": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "dose": 1,
                                "frequency_value": 1,
                                "duration_days": per_prescription,
                                "quantity": per_prescription,
                            }
                        )
                    ],
                }
            )
            prescription.action_issue()
            prescriptions |= prescription
        prescriptions.action_verify()
        ids, product_id = prescriptions.ids, product.id
        cr.commit()

    with server(args, workers=workers) as base:
        url = f"{base}/xmlrpc/2/"
        uid = xmlrpc.client.ServerProxy(url + "common").authenticate(
            args.database, "pharmacist", DEMO_PASSWORD, {}
        )
        outcomes, elapsed = race(url, args.database, uid, ids)
    with registry.cursor() as cr:
        cr.execute(
            "SELECT min(q.quantity), sum(q.quantity) FROM stock_quant q "
            "JOIN stock_location l ON l.id = q.location_id "
            "WHERE q.product_id = %s AND l.usage = 'internal'",
            [product_id],
        )
        lowest, left = cr.fetchone()
        cr.execute(
            "SELECT coalesce(sum(quantity), 0) FROM hms_dispensed_item WHERE product_id = %s",
            [product_id],
        )
        dispensed = cr.fetchone()[0]
    return {
        "lot": lot_size,
        "wanted": per_prescription * dispensers,
        "dispensed": dispensed,
        "left": left,
        "lowest quant": lowest,
        "outcomes": outcomes,
        "seconds": elapsed,
    }


def main():
    args = parse_args(
        __doc__.splitlines()[0],
        move_lines={"type": int, "default": 1_000_000},
        queue={"type": int, "default": 100_000, "help": "open prescriptions"},
        queue_patients={
            "type": int,
            "default": 200,
            "help": "patients of the queue's prescriptions (each page shows many)",
        },
        catalogue={"type": int, "default": 50_000, "help": "interaction pairs"},
        runs={"type": int, "default": 30},
        concurrency={"type": int, "default": 0, "help": "dispensers over XML-RPC"},
        workers={"type": int, "default": 4},
    )
    registry = odoo.modules.registry.Registry(args.database)
    vacuum(registry)
    run_in_transaction(args, registry)
    if args.concurrency:
        report_concurrency(args, registry)


def vacuum(registry):
    """The rows an earlier run generated and rolled back are dead rows until a vacuum, which
    every scan skips: the count of the queue walked 100,000 of them after each run."""
    with registry.cursor() as cr:
        cr._cnx.autocommit = True  # VACUUM runs outside a transaction
        try:
            for table in VACUUMED:
                cr.execute(SQL("VACUUM ANALYZE %s", SQL.identifier(table)))
        finally:
            cr._cnx.autocommit = False


def print_timings(title, timings):
    bare = next(iter(timings.values()))[0]
    print(f"\n{title}, p50 / p95 (load average {os.getloadavg()[0]:.1f}):")
    for label, (p50, p95) in timings.items():
        print(f"  {label:<28}{p50:>8.1f} ms {p95:>8.1f} ms   ratio {p50 / bare:.2f}x")


def run_in_transaction(args, registry):
    """The three measures on generated data, rolled back at the end."""
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        pharmacist = env.ref("hms_base.user_pharmacist")
        practitioner = env.ref("hms_base.practitioner_hart")
        clinic = practitioner.company_id
        patient = env["hms.patient"].create(
            {"name": "Bench Pharmacy Patient", "birthdate": "1970-01-01", "company_id": clinic.id}
        )
        picking_type = clinic._hms_pharmacy_picking_type()
        source = picking_type.default_location_src_id
        destination = picking_type.default_location_dest_id

        start = time.perf_counter()
        filler = medicine(env, "Bench filler", ["bench-filler"])
        generate_move_lines(env, args.move_lines, filler, source, destination)
        queue_patients = env["hms.patient"].create(
            [
                {
                    "name": f"Bench Queue Patient {n}",
                    "birthdate": "1980-01-01",
                    "company_id": clinic.id,
                }
                for n in range(args.queue_patients)
            ]
        )
        generate_queue(env, args.queue, queue_patients, practitioner)
        generate_catalogue(env, args.catalogue)
        print(
            f"generated {args.move_lines:,} stock move lines, {args.queue:,} open "
            f"prescriptions of {args.queue_patients:,} patients, {args.catalogue:,} interaction "
            f"pairs in "
            f"{time.perf_counter() - start:.1f} s"
        )
        env.cr.execute("SELECT count(*) FROM stock_move_line")
        print(f"stock move lines in the database: {env.cr.fetchone()[0]:,}")

        products = [
            medicine(
                env, f"Bench drug {n}", [f"bench-drug-{n}"], lot_quantity=1_000_000, location=source
            )
            for n in range(3)
        ]
        timings = measure_dispensing(
            env, pharmacist, patient, practitioner, products, runs=args.runs
        )
        print_timings(f"dispensing a 3-line prescription ({args.runs} runs)", timings)

        rows, timings = measure_queue(env, pharmacist, args.runs)
        print_timings(f"pharmacist's queue, first {rows} of {args.queue:,} open", timings)

        second = env["hms.patient"].create(
            {"name": "Bench Safety Patient", "birthdate": "1971-01-01", "company_id": clinic.id}
        )
        found, timings = measure_safety(env, second, practitioner, args.runs)
        print_timings(
            f"safety checks, 10 lines x 20 current medicines, {args.catalogue:,} pairs "
            f"({found} findings)",
            timings,
        )
        cr.rollback()


def report_concurrency(args, registry):
    if args.concurrency:
        result = measure_concurrency(args, registry, args.concurrency, args.workers)
        outcomes = result.pop("outcomes")
        succeeded = outcomes.count("dispensed")
        print(
            f"\n{args.concurrency} dispensers over XML-RPC ({args.workers} workers) on a lot of "
            f"{result['lot']} units, {result['wanted']} wanted: {succeeded} dispensed "
            f"{result['dispensed']:g} units in {result['seconds']:.2f} s "
            f"({args.concurrency / result['seconds']:.1f} requests/s); "
            f"{result['left']:g} left, lowest quant {result['lowest quant']:g}; "
            f"oversold: {max(result['dispensed'] - result['lot'], 0):g}"
        )
        for message in sorted({o for o in outcomes if o != "dispensed"}):
            print(f"  told: {message} ({outcomes.count(message)}x)")


if __name__ == "__main__":
    main()
