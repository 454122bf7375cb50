#!/usr/bin/env python3
"""Benchmark of the input check of hms_base: what it adds to creates and writes.

    python scripts/bench/bench_input.py -c <odoo.conf> -d <db> [--runs 200]

Creates and writes of patients and encounters through the ORM, each call with the check and
the same call without it (the check stubbed out: the ORM as it was before), interleaved call
by call after a warm-up, in one transaction that is rolled back. Prints p50/p95 of both and
their ratio.
"""

import contextlib
import itertools
import time
from unittest.mock import patch

from benchlib import environment, parse_args, percentiles


def compare(env, model, call, runs):
    """p50/p95 of ``call()`` with and without the input check of ``model``."""
    bare = patch.object(type(env[model]), "_hms_check_input", lambda self, vals_list: None)
    samples = {True: [], False: []}
    for index in range(runs + 10):
        for checked in (index % 2 == 0, index % 2 == 1):
            with contextlib.nullcontext() if checked else bare:
                start = time.perf_counter()
                call()
                env.flush_all()
                elapsed = time.perf_counter() - start
            if index >= 10:
                samples[checked].append(elapsed)
    return percentiles(samples[False]), percentiles(samples[True])


def main():
    args = parse_args(__doc__.splitlines()[0], runs={"type": int, "default": 200})
    with environment(args.database, commit=False) as env:
        patient = env.ref("hms_patient.patient_john_carter")
        practitioner = env.ref("hms_base.practitioner_hart")
        encounter = env["hms.encounter"].create(
            {"patient_id": patient.id, "practitioner_id": practitioner.id}
        )
        counter = itertools.count()
        calls = {
            "create of a patient": (
                "hms.patient",
                lambda: env["hms.patient"].create(
                    {"name": f"Bench Input {next(counter)}", "gender": "other"}
                ),
            ),
            "write of a patient": (
                "hms.patient",
                lambda: patient.write(
                    {"birthdate": f"1981-02-{next(counter) % 28 + 1:02}", "gender": "other"}
                ),
            ),
            "create of an encounter": (
                "hms.encounter",
                lambda: env["hms.encounter"].create(
                    {
                        "patient_id": patient.id,
                        "practitioner_id": practitioner.id,
                        "chief_complaint": "Cough",
                    }
                ),
            ),
            "write of an encounter": (
                "hms.encounter",
                lambda: encounter.write({"chief_complaint": f"Cough {next(counter)}"}),
            ),
        }
        print(f"{'':<24}{'bare p50':>9}{'p95':>7}{'checked p50':>12}{'p95':>7}  ratio p50")
        for label, (model, call) in calls.items():
            (bare50, bare95), (ours50, ours95) = compare(env, model, call, args.runs)
            print(
                f"{label:<24}{bare50:>9.2f}{bare95:>7.2f}{ours50:>12.2f}{ours95:>7.2f}"
                f"  {ours50 / bare50:.2f}x   (ms)"
            )


if __name__ == "__main__":
    main()
