#!/usr/bin/env python3
"""Benchmark of hms_audit: write and read overhead, chain sealing and verification speed.

    python scripts/bench/bench_audit.py -c odoo.conf -d hms_bench [--records 200] [--size 100000]

Writes: each create/write of a patient and of an encounter runs in a transaction of its own
that is committed, as a request does (ORM flush, pre-commit hooks, COMMIT, post-commit hooks),
timed from the ORM call to the end of the post-commit hooks. The baseline is the same calls
in the same process with the audit of the model stubbed out (the ORM without hms_audit),
interleaved call by call with the audited ones. The records and events these commits create
stay in the database: run it on a disposable copy (with demo data: the Save is made by the
demo administrator).

Requests: what a doctor's Save of the encounter form and a list of patients cost end to end,
the same JSON-RPC requests the web client sends, served by Odoo's HTTP stack in this process
(no network).

Chain (``--size`` events, 0 to skip): generated in SQL, sealed, then verified with the method
the button and scripts/audit_verify.py use; this part runs in a transaction that is rolled back
unless ``--keep`` is given (then the events stay, e.g. to measure a 10M chain once).
"""

import contextlib
import itertools
import os
import statistics
import sys
import time
from unittest.mock import patch

import benchlib
from benchlib import QUIET, parse_args, percentiles

RUN = f"{time.time():.0f}"  # the duplicate check refuses a second run's namesakes
CONTEXT = dict(QUIET)
# allowed_company_ids is set as the web client sets it (bench_writes)


def in_transaction(registry, func):
    """A call of ``func(env)`` in a transaction of its own that is committed, as a request's."""
    import odoo

    def call():
        with registry.cursor() as cr:
            # The environment lives until the commit, which flushes the pending writes through
            # the environments still alive.
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, CONTEXT)
            func(env)

    return call


def compare(registry, model_name, call, repeat):
    """p50 milliseconds and median queries of ``call()`` without and with the audit of the
    model, interleaved call by call after a warm-up."""
    from odoo import sql_db

    bare = patch.object(registry[model_name], "_hms_audit_rule", lambda self: None)
    samples = {False: [], True: []}
    queries = {False: [], True: []}
    for index in range(repeat + 10):
        for audited in (index % 2 == 0, index % 2 == 1):
            with contextlib.nullcontext() if audited else bare:
                count = sql_db.sql_counter
                start = time.perf_counter()
                call()
                elapsed = time.perf_counter() - start
                count = sql_db.sql_counter - count
            if index >= 10:
                samples[audited].append(elapsed)
                queries[audited].append(count)
    return (
        percentiles(samples[False])[0],
        percentiles(samples[True])[0],
        statistics.median(queries[False]),
        statistics.median(queries[True]),
    )


def report(label, bare, audited, bare_queries, audited_queries):
    # The load average tells a figure measured on a busy machine: on 2 cores, other processes
    # slow the commits (WAL flush) far more than the audit table's size does.
    print(
        f"{label}: {bare:.2f} ms bare, {audited:.2f} ms audited,"
        f" ratio {audited / bare:.2f}x; queries {bare_queries:.0f} bare,"
        f" {audited_queries:.0f} audited; load {os.getloadavg()[0]:.1f}"
    )


def bench_writes(registry, records):
    import odoo

    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, CONTEXT)
        patients = env["hms.patient"].create(
            [{"name": f"Bench W{RUN}-{i}", "birthdate": "1980-01-01"} for i in range(records)]
        )
        practitioner = env["hms.practitioner"].search(
            [("company_ids", "in", patients.company_id.ids)], limit=1
        )
        encounters = env["hms.encounter"].create(
            [{"patient_id": p.id, "practitioner_id": practitioner.id} for p in patients]
        )
        patient_ids, encounter_ids = patients.ids, encounters.ids
        CONTEXT["allowed_company_ids"] = env.company.ids
    counter = itertools.count()

    def create_patient(env):
        env["hms.patient"].create(
            {"name": f"Bench {RUN}-{next(counter)}", "birthdate": "1980-01-01"}
        )

    def write_patient(env):
        patient = env["hms.patient"].browse(patient_ids[next(counter) % records])
        patient.write({"birthdate": f"1981-02-{next(counter) % 28 + 1:02}", "gender": "other"})

    def create_encounter(env):
        env["hms.encounter"].create(
            {
                "patient_id": patient_ids[next(counter) % records],
                "practitioner_id": practitioner.id,
                "chief_complaint": "Cough",
            }
        )

    def write_encounter(env):
        encounter = env["hms.encounter"].browse(encounter_ids[next(counter) % records])
        encounter.write({"chief_complaint": f"Cough {next(counter)}", "plan": "Rest"})

    for label, model, func in (
        ("create of a patient", "hms.patient", create_patient),
        ("write of a patient", "hms.patient", write_patient),
        ("create of an encounter", "hms.encounter", create_encounter),
        ("write of an encounter", "hms.encounter", write_encounter),
    ):
        report(label, *compare(registry, model, in_transaction(registry, func), records))
    return encounter_ids


def bench_requests(registry, database, encounter_ids):
    """Two requests as the web client sends them, through Odoo's whole HTTP stack in this
    process (session, routing, transaction, commit), signed in as the demo administrator:
    the encounter form's Save (``web_save``: write, then read back) and a list of 80 patients
    (``web_search_read``, a read-only transaction: its read event is stored after the commit,
    in a transaction of its own)."""
    from werkzeug.test import Client

    import odoo

    client = Client(odoo.http.root)
    environ = {"REMOTE_ADDR": "127.0.0.1"}

    def call_kw(model, method, args, kwargs):
        params = {"model": model, "method": method, "args": args, "kwargs": kwargs}
        return json_rpc(f"/web/dataset/call_kw/{model}/{method}", params)

    def json_rpc(path, params):
        payload = {"jsonrpc": "2.0", "method": "call", "params": params}
        body = client.post(path, json=payload, environ_base=environ).get_json()
        assert "result" in body, body.get("error")
        return body["result"]

    json_rpc("/web/session/authenticate", {"db": database, "login": "admin", "password": "admin"})
    counter = itertools.count()
    form = {"chief_complaint": {}, "plan": {}, "state": {}, "patient_id": {}}
    columns = {"name": {}, "mrn": {}, "birthdate": {}, "gender": {}, "phone": {}}

    def save():
        record_id = encounter_ids[next(counter) % len(encounter_ids)]
        values = {"chief_complaint": f"Cough {next(counter)}", "plan": "Rest"}
        call_kw("hms.encounter", "web_save", [[record_id], values], {"specification": form})

    def list_view():
        result = call_kw(
            "hms.patient", "web_search_read", [[]], {"specification": columns, "limit": 80}
        )
        assert len(result["records"]) == 80

    report("save of an encounter form", *compare(registry, "hms.encounter", save, 200))
    report("list of 80 patients (web client)", *compare(registry, "hms.patient", list_view, 200))


def bench_reads(registry):
    import odoo

    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, CONTEXT)
        env["hms.patient"].create([{"name": f"Bench R{RUN}-{i}"} for i in range(80)])
        user_id, company_ids = env.ref("base.user_admin").id, env.company.ids
    spec = {"name": {}, "mrn": {}, "birthdate": {}, "gender": {}}

    def list_view(env):
        Patient = (
            env["hms.patient"].with_user(user_id).with_context(allowed_company_ids=company_ids)
        )
        rows = Patient.web_search_read([("name", "like", f"Bench R{RUN}-")], spec, limit=80)
        assert len(rows["records"]) == 80

    report(
        "list of 80 patients",
        *compare(registry, "hms.patient", in_transaction(registry, list_view), 100),
    )


def generate_chain(env, size):
    """``size`` sealed read events appended to the chain, their hashes computed in SQL by the
    same expression as the sealer's, written to an index-less temporary table first and then
    into the audit table in one INSERT (the sealer's row-by-row UPDATE is far slower)."""
    from odoo.tools import SQL

    from odoo.addons.hms_audit.tools.chain import canonical_hash

    cr = env.cr
    start = time.perf_counter()
    cr.execute(
        "CREATE TEMP TABLE bench_audit_event (LIKE hms_audit_event) ON COMMIT DROP;"
        " SELECT hms_audit_seal()"
    )
    cr.execute(
        SQL(
            """
DO $$
DECLARE
    ev hms_audit_event;
    head_hash text;
BEGIN
    SELECT sequence, event_hash INTO ev.sequence, head_hash
      FROM hms_audit_event WHERE sequence IS NOT NULL ORDER BY sequence DESC LIMIT 1;
    ev.sequence := COALESCE(ev.sequence, 0);
    head_hash := COALESCE(head_hash, repeat('0', 64));
    ev.event_time := now() AT TIME ZONE 'UTC';
    ev.user_id := %(uid)s;
    ev.role := 'doctor';
    ev.model := 'hms.patient';
    ev.action := 'read';
    ev.ip := '10.0.0.1';
    ev.session_ref := 'bench';
    FOR n IN 1..%(size)s LOOP
        ev.id := nextval('hms_audit_event_id_seq');
        ev.sequence := ev.sequence + 1;
        ev.prev_hash := head_hash;
        ev.res_ids := jsonb_build_array(n);
        ev.patient_refs := jsonb_build_array(mod(n, 1000) + 1);
        ev.event_hash := %(hash)s;
        INSERT INTO bench_audit_event VALUES (ev.*);
        head_hash := ev.event_hash;
    END LOOP;
END
$$""",
            uid=SQL(str(int(env.uid))),
            size=SQL(str(int(size))),
            hash=canonical_hash("ev"),
        )
    )
    hashed = time.perf_counter() - start
    cr.execute("INSERT INTO hms_audit_event SELECT * FROM bench_audit_event")
    total = time.perf_counter() - start
    print(
        f"  generated in {total:.1f} s: hashing {size / hashed:,.0f} events/s,"
        f" then one INSERT of {total - hashed:.1f} s"
    )


def bench_chain(registry, size, keep):
    import odoo

    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, CONTEXT)
        cr.execute("SELECT count(*) FROM hms_audit_event")
        print(f"chain: {cr.fetchone()[0]:,} events in the table")
        if size:
            print(f"chain: generating {size:,} events")
            generate_chain(env, size)
        Verification = env["hms.audit.verification"]
        result = Verification._verify()
        assert result["valid"], result
        print(
            f"  verify {result['count']:,} events: {result['count'] / result['duration']:,.0f}"
            f" events/s ({result['duration']:.2f} s)"
        )
        if size > 100_000:
            cr.execute("ANALYZE hms_audit_event")
        if keep:
            cr.commit()
        else:
            cr.rollback()


def main(argv=None):
    args = parse_args(
        __doc__.splitlines()[0],
        argv,
        records={"type": int, "default": 200, "help": "creates and writes timed"},
        size={"type": int, "default": 100_000, "help": "events generated for the chain"},
        keep={"action": "store_true", "help": "commit the generated events"},
        skip_writes={"action": "store_true"},
    )
    pool = benchlib.registry(args.database)
    if not args.skip_writes:
        encounter_ids = bench_writes(pool, args.records)
        bench_reads(pool)
        bench_requests(pool, args.database, encounter_ids)
    bench_chain(pool, args.size, args.keep)
    return 0


if __name__ == "__main__":
    sys.exit(main())
