#!/usr/bin/env python3
"""Sealing the audit chain: the per-process sealer thread against an ``ir.cron`` trigger.

    python scripts/bench/bench_audit_sealing.py -c odoo.conf -d hms_bench [--commits 200]

Two ways to seal committed events off the request path are compared in one process, call by
call, on the same audited write of a patient committed in a transaction of its own:

- thread: the commit wakes the process's sealer thread (``ChainSealer``, what hms_audit does);
  it waits ``hms_audit_seal_delay`` seconds (0.2 by default) for more commits, then seals;
- cron: the transaction triggers the seal cron (``ir.cron._trigger()``, as ``event`` does: a
  row in ``ir_cron_trigger`` and a NOTIFY at commit); Odoo's own cron thread, started here as
  a server starts it, wakes up on the NOTIFY and runs the cron, which seals.

Figures: the request's cost (median time of the committed write, and its queries), the
latency from the end of the commit to the end of the seal that covers it (one commit at a
time), and for a burst of commits sent back to back, how many seal runs it took and their
total time in the background. The bare baseline is the same write with the audit switched
off. The commits stay in the database: run it on a disposable copy.
"""

import contextlib
import itertools
import os
import statistics
import sys
import threading
import time
from unittest.mock import patch

sys.path.insert(0, os.path.dirname(__file__))
from benchlib import parse_args

RUN = f"{time.time():.0f}"
CONTEXT = {"tracking_disable": True, "mail_create_nolog": True, "mail_notrack": True}


class Recorder:
    """The end time of every seal and the background time spent sealing."""

    def __init__(self):
        self.lock = threading.Lock()
        self.sealed = threading.Condition(self.lock)
        self.seal_ends = []
        self.background = []  # seconds of each seal run (cron: the whole job)

    def seal_done(self):
        with self.sealed:
            self.seal_ends.append(time.perf_counter())
            self.sealed.notify_all()

    def wait_seal_after(self, moment, timeout=30):
        with self.sealed:
            self.sealed.wait_for(lambda: any(t > moment for t in self.seal_ends), timeout)
            return min((t for t in self.seal_ends if t > moment), default=None)


def patched(registry, recorder, mode):
    """Both ways to seal, switched by ``mode["name"]``, with the seals recorded."""
    from odoo.addons.base.models.ir_cron import ir_cron
    from odoo.addons.hms_audit.models import hms_audit_event as event_module
    from odoo.addons.hms_audit.tools import sealer as sealer_module

    seal = sealer_module.seal_in_new_transaction

    def recorded_seal(reg):
        start = time.perf_counter()
        seal(reg)
        if mode["name"] == "thread":
            recorder.background.append(time.perf_counter() - start)
        recorder.seal_done()

    process_job = ir_cron._process_job.__func__

    def timed_process_job(cls, db, cron_cr, job):
        start = time.perf_counter()
        process_job(cls, db, cron_cr, job)
        if job["cron_name"].startswith("Audit: seal"):
            recorder.background.append(time.perf_counter() - start)

    Event = registry["hms.audit.event"]
    flush_buffer = Event._flush_buffer
    wake = sealer_module.ChainSealer.wake

    def flush_buffer_by_mode(self, buffer):
        flush_buffer(self, buffer)
        if mode["name"] == "cron" and buffer and buffer["events"] and not self.env.cr.readonly:
            # In a pre-commit hook, after the ORM flush: the trigger row is written here.
            self.env.ref("hms_audit.ir_cron_hms_audit_seal").sudo()._trigger()
            self.env.flush_all()

    def wake_by_mode(self):
        if mode["name"] == "thread":
            wake(self)

    stack = contextlib.ExitStack()
    stack.enter_context(patch.object(sealer_module, "seal_in_new_transaction", recorded_seal))
    stack.enter_context(patch.object(event_module, "seal_in_new_transaction", recorded_seal))
    stack.enter_context(patch.object(ir_cron, "_process_job", classmethod(timed_process_job)))
    stack.enter_context(patch.object(Event, "_flush_buffer", flush_buffer_by_mode))
    stack.enter_context(patch.object(sealer_module.ChainSealer, "wake", wake_by_mode))
    return stack


def writer(registry):
    """A committed audited write of one of 50 patients, as a request's transaction."""
    import odoo

    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, CONTEXT)
        patients = env["hms.patient"].create(
            [{"name": f"Bench S{RUN}-{i}", "birthdate": "1980-01-01"} for i in range(50)]
        )
        patient_ids = patients.ids
        CONTEXT["allowed_company_ids"] = env.company.ids
        # Nothing else due for the cron thread during the run.
        env["ir.cron"].search([]).write({"nextcall": "2099-01-01"})
    counter = itertools.count()

    def write_patient():
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, CONTEXT)
            patient = env["hms.patient"].browse(patient_ids[next(counter) % len(patient_ids)])
            patient.write({"birthdate": f"1981-02-{next(counter) % 28 + 1:02}"})

    return write_patient


def measure_cost(registry, write_patient, mode, commits):
    """Request time and queries, interleaved call by call: bare, thread, cron."""
    from odoo import sql_db

    bare = patch.object(registry["hms.patient"], "_hms_audit_rule", lambda self: None)
    samples = {"bare": [], "thread": [], "cron": []}
    queries = {"bare": [], "thread": [], "cron": []}
    for index in range(commits + 10):
        for name in ("bare", "thread", "cron"):
            mode["name"] = name
            count = sql_db.sql_counter
            start = time.perf_counter()
            with bare if name == "bare" else contextlib.nullcontext():
                write_patient()
            if index >= 10:
                samples[name].append(time.perf_counter() - start)
                queries[name].append(sql_db.sql_counter - count)
        time.sleep(0.01)
    base = statistics.median(samples["bare"])
    for name in ("bare", "thread", "cron"):
        median = statistics.median(samples[name])
        print(
            f"write of a patient, {name}: {median * 1000:.2f} ms ({median / base:.2f}x bare),"
            f" {statistics.median(queries[name]):.0f} queries in the request"
            f" (sealing runs in the background)"
        )


def measure_latency(write_patient, recorder, mode, commits):
    """From the end of a commit to the end of the seal that covers it, one commit at a time."""
    for name in ("thread", "cron"):
        mode["name"] = name
        latencies = []
        for _ in range(max(commits // 4, 10)):
            write_patient()
            committed = time.perf_counter()
            sealed = recorder.wait_seal_after(committed)
            if sealed is not None:
                latencies.append(sealed - committed)
        latencies.sort()
        p95 = latencies[int(len(latencies) * 0.95) - 1]
        print(
            f"commit to sealed, {name}: p50 {statistics.median(latencies) * 1000:.1f} ms,"
            f" p95 {p95 * 1000:.1f} ms ({len(latencies)} commits one at a time)"
        )


def measure_burst(registry, write_patient, recorder, mode, burst):
    """Commits back to back: seal runs, their background time, the delay to the last seal."""
    for name in ("thread", "cron"):
        mode["name"] = name
        time.sleep(1)
        recorder.background.clear()
        start = time.perf_counter()
        for _ in range(burst):
            write_patient()
        sent = time.perf_counter()
        with registry.cursor() as cr:
            cr.execute("SELECT max(id) FROM hms_audit_event")
            last = cr.fetchone()[0]
        sealed = False
        while not sealed:
            time.sleep(0.005)
            with registry.cursor() as cr:
                cr.execute(
                    "SELECT event_hash IS NOT NULL FROM hms_audit_event WHERE id = %s", [last]
                )
                sealed = cr.fetchone()[0]
        done = time.perf_counter()
        print(
            f"burst of {burst} commits, {name}: sent in {sent - start:.2f} s,"
            f" all sealed {(done - sent) * 1000:.0f} ms later;"
            f" {len(recorder.background)} seal runs,"
            f" {sum(recorder.background) * 1000:.0f} ms of background work;"
            f" load {os.getloadavg()[0]:.1f}"
        )


def main():
    args = parse_args(
        __doc__,
        commits={"type": int, "default": 200, "help": "commits per figure"},
        burst={"type": int, "default": 100, "help": "commits sent back to back"},
        delay={"type": float, "default": None, "help": "hms_audit_seal_delay of the thread"},
    )
    import odoo
    from odoo.service.server import ThreadedServer

    odoo.tools.config["max_cron_threads"] = 1
    if args.delay is not None:
        odoo.tools.config["hms_audit_seal_delay"] = args.delay
    registry = odoo.modules.registry.Registry(args.database)
    recorder = Recorder()
    mode = {"name": "thread"}
    write_patient = writer(registry)
    with patched(registry, recorder, mode):
        ThreadedServer(None).cron_spawn()  # Odoo's cron thread, as a server starts it
        time.sleep(1)
        measure_cost(registry, write_patient, mode, args.commits)
        recorder.wait_seal_after(time.perf_counter() - 0.001, timeout=2)
        measure_latency(write_patient, recorder, mode, args.commits)
        measure_burst(registry, write_patient, recorder, mode, args.burst)


if __name__ == "__main__":
    main()
