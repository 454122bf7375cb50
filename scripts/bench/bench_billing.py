#!/usr/bin/env python3
"""Benchmark of billing (hms_billing): a consultation's bill, a batch, the worklist, two races.

On a database with the HMS addons and their demo data (``scripts/bench/setup_db``); parts 3 to
5 commit their charges, invoices, payment and a bench user: use a disposable copy.

1. A consultation's bill: five charges (the consultation, two tests, two medicines) recorded and
   invoiced with an insurance split (an insurer's and a patient's invoice, posted), against a
   bare ``account.move`` create + post of the same two invoices (same partners, lines, taxes)
   in one call, call by call in turn; with the SQL queries of each.
2. ``--encounters`` closed consultations of as many patients (one in two insured; generated in
   SQL) billed in one ``hms.charge._hms_bill_encounters(ids, post=True)`` call: invoices per
   second, against a bare create + post of the same invoices in one call (both rolled back).
3. The unbilled-charges worklist with ``--charges`` charges in the table (set-based SQL, over
   10,000 patients of three clinics, one in ten still to bill, generated once and committed):
   the billing clerk's list view (``web_search_read`` of the action's domain and order, the
   list's fields, the web client's count limit, record rules), against a bare ``search_fetch``
   of the same rows as superuser.
4. ``--clients`` concurrent "bill this encounter" calls over XML-RPC on ``odoo-bin --workers=2``:
   exactly one invoicing must succeed.
5. ``--confirmations`` concurrent confirmations of one online payment (Odoo's demo payment
   provider): each thread has its own cursor and does what the return page, the webhook and
   the post-processing cron do (``_handle_notification_data`` then ``_post_process``), retried
   on serialization failures as Odoo's server retries a request: exactly one payment.

``--parts`` picks some of them (e.g. ``--parts 1,2``).

    python scripts/bench/bench_billing.py -c <odoo.conf> -d <database> --charges 1000000 \
        --encounters 10000
"""

import functools
import os
import secrets
import threading
import time
import uuid
import xmlrpc.client

from benchlib import environment, parse_args, percentiles, registry, server, timed

from odoo import SUPERUSER_ID, api
from odoo.service.model import retrying

BENCH_LOGIN = "bench_billing_clerk"
# A fresh password each run: the bench user exists only in disposable databases.
BENCH_PASSWORD = secrets.token_urlsafe(16)
BENCH_PATIENTS = 10_000  # the worklist's charges are spread over them


def load():
    return f"load average {os.getloadavg()[0]:.1f}"


def fixtures(env):
    """An insured demo patient, a practitioner of their clinic and five service products."""
    policy = env["hms.patient.insurance"].search([("active", "=", True)], limit=1)
    patient = policy.patient_id
    practitioner = env["hms.practitioner"].search([("company_ids", "in", patient.company_id.id)])[
        :1
    ]
    products = env["product.product"].search([("name", "=like", "Bench service %")], order="id")
    if len(products) < 5:
        products = env["product.product"].create(
            [
                {"name": f"Bench service {n}", "type": "service", "list_price": 10.0 + n}
                for n in range(5)
            ]
        )
    return patient, practitioner, products[:5]


CODES = ["consultation", "lab-1", "lab-2", "medicine-1", "medicine-2"]


def charge_values(patient, encounter, products, run):
    return [
        {
            "res_model": "hms.encounter",
            "res_id": encounter.id,
            "code": f"{code}-{run}",
            "name": product.name,
            "patient_id": patient.id,
            "encounter_id": encounter.id,
            "company_id": patient.company_id.id,
            "product_id": product.id,
            "price_unit": product.lst_price,
        }
        for code, product in zip(CODES, products, strict=True)
    ]


def bare_move_values(moves):
    """Bare invoices with the partners, clinics and lines (product, quantity, price) of
    ``moves``: no HMS field, no link to charges."""
    return [
        {
            "move_type": "out_invoice",
            "partner_id": move.partner_id.id,
            "company_id": move.company_id.id,
            "invoice_line_ids": [
                (
                    0,
                    0,
                    {
                        "product_id": line.product_id.id,
                        "quantity": line.quantity,
                        "price_unit": line.price_unit,
                    },
                )
                for line in move.invoice_line_ids
            ],
        }
        for move in moves
    ]


def bench_consultation_bill(env, patient, practitioner, products, runs):
    Charge, Move = env["hms.charge"], env["account.move"]
    encounter = env["hms.encounter"].create(
        {"patient_id": patient.id, "practitioner_id": practitioner.id}
    )
    counter = iter(range(10**9))
    template = Charge._hms_record(charge_values(patient, encounter, products, "template"))
    bare_values = bare_move_values(template._hms_invoice(post=True))
    queries = {}

    def hms():
        charges = Charge._hms_record(charge_values(patient, encounter, products, next(counter)))
        charges._hms_invoice(post=True)
        env.flush_all()

    def bare():
        Move.create(bare_values).action_post()
        env.flush_all()

    for label, function in (("hms", hms), ("bare", bare)):
        function()  # warm-up
        before = env.cr.sql_log_count
        function()
        queries[label] = env.cr.sql_log_count - before
    hms_samples, bare_samples = [], []
    for _run in range(runs):  # in turn, so that both see the same machine
        env.invalidate_all()
        hms_samples += timed(hms, 1)
        env.invalidate_all()
        bare_samples += timed(bare, 1)
    return percentiles(hms_samples), percentiles(bare_samples), queries


def generate_patients(env, count, companies, tag):
    """``count`` patients spread over ``companies`` (two INSERT ... SELECT); their ids."""
    env.cr.execute(
        """
        WITH partners AS (
            INSERT INTO res_partner (name, complete_name, active, type, company_id, lang,
                                     customer_rank, autopost_bills, create_date, write_date)
            SELECT %(tag)s || n, %(tag)s || n, TRUE, 'contact',
                   (%(companies)s::int[])[1 + n %% cardinality(%(companies)s::int[])],
                   'en_US', 0, 'ask', now(), now()
              FROM generate_series(1, %(count)s) n
            RETURNING id, company_id
        )
        INSERT INTO hms_patient (partner_id, mrn, company_id, active, state, create_date,
                                 write_date)
        SELECT id, %(tag)s || id, company_id, TRUE, 'active', now(), now() FROM partners
        RETURNING id
        """,
        {"count": count, "companies": companies.ids, "tag": tag},
    )
    return [row[0] for row in env.cr.fetchall()]


def bench_batch(env, patient, practitioner, products, count):
    """``count`` closed consultations of as many new patients, one in two insured."""
    Charge, Move = env["hms.charge"], env["account.move"]
    company = patient.company_id
    practitioner.consultation_product_id = products[0]
    insurer = patient.insurance_ids[:1].payer_id
    tag = f"BB{uuid.uuid4().hex[:6]}-"
    patient_ids = generate_patients(env, count, company, tag)
    env.cr.execute(
        """
        INSERT INTO hms_patient_insurance (patient_id, company_id, payer_id, policy_number,
                                           coverage_percent, date_start, active, create_date,
                                           write_date)
        SELECT id, company_id, %(insurer)s, 'P' || id, 80, '2020-01-01', TRUE, now(), now()
          FROM hms_patient WHERE id = ANY(%(ids)s) AND id %% 2 = 0;
        INSERT INTO hms_encounter (name, patient_id, company_id, practitioner_id, origin, state,
                                   date_start, date_closed, create_date, write_date)
        SELECT %(tag)s || id, id, company_id, %(practitioner)s, 'walk_in', 'closed',
               now() - interval '1 hour', now(), now(), now()
          FROM hms_patient WHERE id = ANY(%(ids)s)
        RETURNING id
        """,
        {"ids": patient_ids, "insurer": insurer.id, "practitioner": practitioner.id, "tag": tag},
    )
    encounter_ids = [row[0] for row in env.cr.fetchall()]
    env.cr.execute("ANALYZE res_partner, hms_patient, hms_patient_insurance, hms_encounter")
    env.invalidate_all()
    start = time.perf_counter()
    moves = Charge._hms_bill_encounters(encounter_ids, post=True)
    env.flush_all()
    hms = time.perf_counter() - start
    values = bare_move_values(moves)
    env.invalidate_all()
    start = time.perf_counter()
    Move.create(values).action_post()
    env.flush_all()
    bare = time.perf_counter() - start
    charged = Charge.search_count([("encounter_id", "in", encounter_ids)])
    return len(moves), charged, hms, bare


def generate_charges(env, count, patient_ids, product):
    """``count`` charges of past consultations over ``patient_ids``, one in ten still to bill
    (set-based SQL)."""
    env.cr.execute(
        """
        INSERT INTO hms_charge (name, res_model, res_id, code, reference, patient_id,
                                company_id, date, product_id, quantity, price_unit, amount,
                                state, create_date, write_date, create_uid, write_uid)
        SELECT 'Bench consultation', 'hms.bench', n, 'consultation',
               'hms.bench,' || n || ',consultation', p.id, p.company_id,
               current_date - (n %% 3650), %(product)s, 1, 50, 50,
               CASE WHEN n %% 10 = 0 THEN 'to_bill' ELSE 'invoiced' END, now(), now(), 1, 1
          FROM generate_series(1, %(count)s) n
          JOIN hms_patient p
            ON p.id = (%(patients)s::int[])[1 + n %% cardinality(%(patients)s::int[])]
        """,
        {"count": count, "patients": patient_ids, "product": product.id},
    )


def worklist_request(env):
    """The domain, order and fields the billing clerk's list view asks for."""
    action = env.ref("hms_billing.hms_charge_action")
    view = env.ref("hms_billing.hms_charge_view_list")
    Charge = env["hms.charge"]
    names = Charge.get_views([(view.id, "list")])["views"]["list"]["arch"]
    spec = {
        name: {"fields": {"display_name": {}}} if Charge._fields[name].type == "many2one" else {}
        for name in (
            "date",
            "patient_id",
            "name",
            "encounter_id",
            "company_id",
            "quantity",
            "price_unit",
            "amount",
            "currency_id",
            "state",
        )
        if f'name="{name}"' in names
    }
    search_filter = env.ref("hms_billing.hms_charge_view_search")  # search_default_to_bill
    assert "to_bill" in (action.context or "") and search_filter
    return [("state", "=", "to_bill")], spec


def bench_worklist(env, clerk, runs):
    domain, spec = worklist_request(env)
    Charge = env["hms.charge"]

    def as_clerk():
        env.invalidate_all()
        # The web client counts up to 10,000 rows for the pager (DEFAULT_COUNT_LIMIT).
        Charge.with_user(clerk).with_company(clerk.company_id).web_search_read(
            domain, spec, limit=80, count_limit=10001
        )

    def bare():
        env.invalidate_all()
        Charge.search_fetch(
            [*domain, ("company_id", "=", clerk.company_id.id)], list(spec), limit=80
        )

    as_clerk(), bare()  # warm-up
    ours, theirs = [], []
    for _run in range(runs):
        ours += timed(as_clerk, 1)
        theirs += timed(bare, 1)
    return percentiles(ours), percentiles(theirs)


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


def online_payment(env, patient, practitioner, products):
    """A posted patient invoice and a pending demo-provider transaction paying it (committed)."""
    encounter = env["hms.encounter"].create(
        {"patient_id": patient.id, "practitioner_id": practitioner.id}
    )
    charges = env["hms.charge"]._hms_record(
        charge_values(patient, encounter, products, f"pay-{uuid.uuid4().hex[:6]}")
    )
    invoice = charges._hms_invoice(post=True).filtered(lambda m: m.hms_share == "patient")
    demo = env.ref("payment.payment_provider_demo")
    provider = demo.search(
        [("code", "=", "demo"), ("company_id", "=", invoice.company_id.id), ("state", "=", "test")],
        limit=1,
    ) or demo.copy({"company_id": invoice.company_id.id, "state": "test"})
    return env["payment.transaction"].create(
        {
            "provider_id": provider.id,
            "payment_method_id": env.ref("payment_demo.payment_method_demo").id,
            "amount": invoice.amount_residual,
            "currency_id": invoice.currency_id.id,
            "partner_id": invoice.partner_id.id,
            "invoice_ids": [(6, 0, invoice.ids)],
            "reference": f"{invoice.name}-{uuid.uuid4().hex[:6]}",
            "operation": "online_direct",
        }
    )


def bench_payment_confirmations(database, tx_id, reference, threads_count):
    """``threads_count`` threads confirm the transaction at once, each in its own cursor."""
    barrier = threading.Barrier(threads_count)
    errors, tries = [], []

    def confirm(env):
        tries.append(1)
        Tx = env["payment.transaction"].sudo()
        Tx._handle_notification_data("demo", {"reference": reference, "simulated_state": "done"})
        Tx.browse(tx_id)._post_process()

    def worker():
        with registry(database).cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            barrier.wait(timeout=60)
            try:
                retrying(functools.partial(confirm, env), env)
            except Exception as exc:  # counted and printed
                errors.append(repr(exc))

    threads = [threading.Thread(target=worker) for _ in range(threads_count)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start, len(tries), errors


def part_bill(env, args, patient, practitioner, products):
    (h50, h95), (b50, b95), queries = bench_consultation_bill(
        env, patient, practitioner, products, args.runs
    )
    print(
        f"consultation bill (5 charges, insurance split, 2 invoices posted): p50 "
        f"{h50:.1f} ms, p95 {h95:.1f} ms, {queries['hms']} queries; bare account.move "
        f"create + post of the same 2 invoices: p50 {b50:.1f} ms, p95 {b95:.1f} ms, "
        f"{queries['bare']} queries; ratio p50 {h50 / b50:.2f}x, p95 {h95 / b95:.2f}x; "
        f"{load()}"
    )


def part_batch(env, args, patient, practitioner, products):
    count, charged, hms, bare = bench_batch(env, patient, practitioner, products, args.encounters)
    print(
        f"batch of {args.encounters} closed consultations ({charged} charges): "
        f"{count} invoices posted in {hms:.1f} s = {count / hms:.1f} invoices/s; bare "
        f"create + post of the same invoices: {bare:.1f} s = {count / bare:.1f} "
        f"invoices/s (ratio {hms / bare:.2f}x); {load()}"
    )


def bench_clerk(args):
    """The committed billing clerk the worklist and the XML-RPC race log in as."""
    with environment(args.database) as env:
        patient = fixtures(env)[0]
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


def part_worklist(args):
    with environment(args.database) as env:
        missing = args.charges - env["hms.charge"].search_count([])
        if missing > 0:
            start = time.perf_counter()
            companies = env["res.company"].search([], limit=3)
            env.cr.execute("SELECT id FROM hms_patient WHERE mrn LIKE 'BW-%%'")
            patient_ids = [row[0] for row in env.cr.fetchall()] or generate_patients(
                env, BENCH_PATIENTS, companies, "BW-"
            )
            generate_charges(env, missing, patient_ids, fixtures(env)[2][0])
            env.cr.commit()
            env.cr._cnx.autocommit = True  # VACUUM: the visibility map, as autovacuum would
            try:
                env.cr.execute("VACUUM ANALYZE hms_charge")
            finally:
                env.cr._cnx.autocommit = False
            print(f"generated {missing} charges in {time.perf_counter() - start:.0f} s")
    with environment(args.database, commit=False) as env:
        clerk = env["res.users"].search([("login", "=", BENCH_LOGIN)])
        total = env["hms.charge"].search_count([])
        to_bill = env["hms.charge"].search_count([("state", "=", "to_bill")])
        (w50, w95), (wb50, wb95) = bench_worklist(env, clerk, args.runs)
        print(
            f"unbilled worklist, first 80 of {to_bill} to bill among {total} charges, "
            f"as the billing clerk's list view: p50 {w50:.1f} ms, p95 {w95:.1f} ms "
            f"(bare search_fetch as superuser: p50 {wb50:.1f} ms, p95 {wb95:.1f} ms); "
            f"{load()}"
        )


def part_race(args):
    with environment(args.database) as env:
        patient, practitioner, products = fixtures(env)
        encounter = env["hms.encounter"].create(
            {"patient_id": patient.id, "practitioner_id": practitioner.id}
        )
        env["hms.charge"]._hms_record(charge_values(patient, encounter, products, "race"))
        encounter_id = encounter.id
    outcome, elapsed = bench_concurrent_bill(args, encounter_id, args.clients)
    with environment(args.database) as env:
        lines = env["hms.charge"].search([("encounter_id", "=", encounter_id)]).invoice_line_ids
        print(
            f"{args.clients} concurrent 'bill this encounter' calls (--workers=2): "
            f"{outcome['invoiced']} invoiced, {outcome['refused']} refused in {elapsed:.1f} s; "
            f"{len(lines.move_id)} invoices in the database (expected: 2, one per share)"
        )


def part_payment(args):
    with environment(args.database) as env:
        tx = online_payment(env, *fixtures(env))
        tx_id, reference = tx.id, tx.reference
    elapsed, tries, errors = bench_payment_confirmations(
        args.database, tx_id, reference, args.confirmations
    )
    with environment(args.database) as env:
        tx = env["payment.transaction"].browse(tx_id)
        payments = env["account.payment"].search([("payment_transaction_id", "=", tx_id)])
        invoice = tx.invoice_ids
        print(
            f"{args.confirmations} concurrent confirmations of one online payment: "
            f"{len(payments)} payment(s) created (expected: 1), {tries} attempts (retries "
            f"after serialization failures included), {len(errors)} errors {errors[:2]}, "
            f"in {elapsed:.2f} s; transaction {tx.state}, invoice {invoice.payment_state}, "
            f"{len(invoice.line_ids.matched_credit_ids)} reconciliation(s)"
        )


def main():
    args = parse_args(
        __doc__.splitlines()[0],
        runs={"type": int, "default": 30},
        encounters={"type": int, "default": 1000},
        charges={"type": int, "default": 1_000_000},
        clients={"type": int, "default": 16},
        confirmations={"type": int, "default": 8},
        parts={"default": "1,2,3,4,5"},
    )
    parts = set(args.parts.split(","))
    print(load())
    with environment(args.database, commit=False) as env:
        fixture = fixtures(env)
        if "1" in parts:
            part_bill(env, args, *fixture)
        if "2" in parts:
            part_batch(env, args, *fixture)
    if parts & {"3", "4"}:
        bench_clerk(args)
    if "3" in parts:
        part_worklist(args)
    if "4" in parts:
        part_race(args)
    if "5" in parts:
        part_payment(args)


if __name__ == "__main__":
    main()
