#!/usr/bin/env python3
"""Benchmark of hms_audit: write and read overhead, chain sealing and verification speed.

    python scripts/bench/bench_audit.py -c odoo.conf -d hms [--records 200] [--size 100000]

Everything runs in one transaction that is rolled back: the database is left as it was.
The baseline is the same ORM calls in the same process with the audit of the model stubbed
out, interleaved call by call with the audited ones.
"""

import argparse
import contextlib
import itertools
import statistics
import sys
import time
from unittest.mock import patch


def compare(model, func, repeat):
    """Median seconds of ``func`` without and with the audit, interleaved call by call.

    "Without" stubs the audit rule lookup of the model out (the ORM as it is without
    hms_audit); both run in the same process and transaction, after a warm-up.
    """
    samples = {False: [], True: []}
    bare = patch.object(type(model), "_hms_audit_rule", lambda self: None)
    for index in range(repeat + 10):
        for audited in (index % 2 == 0, index % 2 == 1):
            with contextlib.nullcontext() if audited else bare:
                start = time.perf_counter()
                func()
                elapsed = time.perf_counter() - start
            if index >= 10:
                samples[audited].append(elapsed)
    return statistics.median(samples[False]), statistics.median(samples[True])


def report(label, bare, audited):
    print(
        f"{label}: {bare * 1000:.2f} ms bare, {audited * 1000:.2f} ms audited,"
        f" ratio {audited / bare:.2f}x"
    )


def commit_like(env):
    """What a request's commit runs: the ORM flush, pre-commit hooks (tracking, the audit
    insert), then the post-commit sealing."""
    env.flush_all()
    env.cr.precommit.run()
    env["hms.audit.event"]._seal()


def bench_writes(env, records):
    Patient = env["hms.patient"]
    counter = itertools.count()

    def create():
        Patient.create({"name": f"Bench {next(counter)}", "birthdate": "1980-01-01"})
        commit_like(env)

    patients = Patient.create([{"name": f"Bench W{i}"} for i in range(records)])

    def write():
        patient = patients[next(counter) % records]
        patient.write({"birthdate": "1981-02-03", "gender": "other"})
        commit_like(env)

    report("create of a patient", *compare(Patient, create, records))
    report("write of a patient", *compare(Patient, write, records))


def bench_reads(env):
    user = env.ref("base.user_admin")
    Patient = env["hms.patient"].with_user(user).with_context(allowed_company_ids=env.company.ids)
    env["hms.patient"].create([{"name": f"Bench R{i}"} for i in range(80)])
    spec = {"name": {}, "mrn": {}, "birthdate": {}, "gender": {}}

    def list_view():
        rows = Patient.web_search_read([("name", "like", "Bench R")], spec, limit=80)
        assert len(rows["records"]) == 80
        commit_like(env)

    report("list of 80 patients", *compare(Patient, list_view, 100))


def bench_chain(env, size):
    cr = env.cr
    start = time.perf_counter()
    cr.execute(
        """INSERT INTO hms_audit_event (event_time, user_id, role, model, res_ids, patient_refs,
                                        action, ip, session_ref)
           SELECT now() AT TIME ZONE 'UTC', %s, 'doctor', 'hms.patient',
                  jsonb_build_array(n), jsonb_build_array(n), 'read', '10.0.0.1', 'bench'
             FROM generate_series(1, %s) n""",
        [env.uid, size],
    )
    inserted = time.perf_counter() - start
    start = time.perf_counter()
    cr.execute("SELECT hms_audit_seal()")
    sealed = time.perf_counter() - start
    result = env["hms.audit.event"]._verify_chain()
    start = time.perf_counter()
    result = env["hms.audit.event"]._verify_chain()
    verified = time.perf_counter() - start
    assert result["broken"] is None, result
    print(f"chain of {result['count']} events:")
    print(f"  insert {size / inserted:,.0f} events/s, seal {size / sealed:,.0f} events/s")
    print(f"  verify {result['count'] / verified:,.0f} events/s ({verified:.2f} s)")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--records", type=int, default=200, help="creates and writes timed")
    parser.add_argument("--size", type=int, default=100_000, help="events generated for the chain")
    args = parser.parse_args(argv)

    import odoo
    from odoo.modules.registry import Registry

    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database])
    registry = Registry(args.database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
        try:
            bench_writes(env, args.records)
            bench_reads(env)
            bench_chain(env, args.size)
        finally:
            cr.rollback()
    return 0


if __name__ == "__main__":
    sys.exit(main())
