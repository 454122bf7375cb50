#!/usr/bin/env python3
"""Benchmark of the medical record: the patient chart and the cost of a consultation.

Generates, inside one transaction that is rolled back at the end, ``--patients`` patients
(set-based SQL) and one patient with ``--encounters`` encounters, ten vitals and one
diagnosis each, then measures as the demo doctor (record rules included):

- chart load: ``hms.patient._hms_chart_events()`` of that patient (first page, cold
  cache each run), and the rendered HTML chart, p50/p95 over ``--runs`` runs;
- optionally (``--icd10``) the load of the full ICD-10-CM catalogue;
- a consultation: ``create`` + ``action_close`` of an encounter with two diagnoses (one
  chronic: it feeds the patient's conditions), as is and with the chatter (creation
  message, follower, tracking) off, against a bare ORM ``create`` of the same final values
  (``BaseModel.create``: no override, no tracking), with the audit rules on, then off.

Run it on a database with the HMS addons and their demo data installed, e.g.:

    python scripts/bench/bench_emr.py -c <odoo.conf> -d <database> --patients 100000
"""

import time

from benchlib import environment, parse_args, percentiles

import odoo
from odoo.models import BaseModel


def generate_patients(env, count, company_id):
    """``count`` patients with their partners, in two INSERT ... SELECT statements."""
    cr = env.cr
    cr.execute(
        """
        WITH partners AS (
            INSERT INTO res_partner (name, complete_name, active, type, company_id, lang,
                                     create_date, write_date)
            SELECT 'Bench Patient ' || n, 'Bench Patient ' || n, TRUE, 'contact', %(company)s,
                   'en_US', now(), now()
              FROM generate_series(1, %(count)s) n
            RETURNING id
        )
        INSERT INTO hms_patient (partner_id, mrn, company_id, active, state, create_date,
                                 write_date)
        SELECT id, 'B' || id, %(company)s, TRUE, 'active', now(), now() FROM partners
        """,
        {"count": count, "company": company_id},
    )


def generate_history(env, patient, practitioner, encounters, vitals_per_encounter, *, icd):
    """A long history for ``patient``: closed encounters with vitals and a diagnosis."""
    cr = env.cr
    params = {
        "patient": patient.id,
        "company": patient.company_id.id,
        "practitioner": practitioner.id,
        "count": encounters,
        "per": vitals_per_encounter,
        "icd": icd.id,
        "uid": practitioner.user_id.id,
    }
    cr.execute(
        """
        INSERT INTO hms_encounter (name, patient_id, company_id, practitioner_id, origin, state,
                                   date_start, date_closed, chief_complaint, plan,
                                   primary_icd10_id, create_date, write_date)
        SELECT 'BENCH' || n, %(patient)s, %(company)s, %(practitioner)s, 'walk_in', 'closed',
               now() - n * interval '3 days', now() - n * interval '3 days',
               'Complaint ' || n, 'Plan ' || n, %(icd)s, now(), now()
          FROM generate_series(1, %(count)s) n
        """,
        params,
    )
    cr.execute(
        """
        INSERT INTO hms_vital (encounter_id, patient_id, company_id, date, recorded_by_id,
                               bp_systolic, bp_diastolic, pulse, temperature, spo2,
                               is_abnormal, create_date, write_date)
        SELECT e.id, e.patient_id, e.company_id, e.date_start + v * interval '1 minute',
               %(uid)s, 110 + v * 4, 70 + v, 60 + v * 2, 36.5, 97, v > 7, now(), now()
          FROM hms_encounter e, generate_series(1, %(per)s) v
         WHERE e.patient_id = %(patient)s AND e.name LIKE 'BENCH%%'
        """,
        params,
    )
    cr.execute(
        """
        INSERT INTO hms_encounter_diagnosis (encounter_id, patient_id, company_id,
                                             practitioner_id, date, icd10_id, diagnosis_role,
                                             status, is_chronic, create_date, write_date)
        SELECT e.id, e.patient_id, e.company_id, e.practitioner_id, e.date_start, %(icd)s,
               'primary', 'confirmed', TRUE, now(), now()
          FROM hms_encounter e
         WHERE e.patient_id = %(patient)s AND e.name LIKE 'BENCH%%'
        """,
        params,
    )
    cr.execute(
        "ANALYZE res_partner, hms_patient, hms_encounter, hms_vital, hms_encounter_diagnosis"
    )


def measure_chart(env, patient, runs):
    chart, html = [], []
    for _ in range(runs):
        env.invalidate_all()
        start = time.perf_counter()
        events = patient._hms_chart_events()
        chart.append(time.perf_counter() - start)
        env.invalidate_all()
        start = time.perf_counter()
        patient.chart_html  # noqa: B018 (the computation is what we time)
        html.append(time.perf_counter() - start)
    return len(events), percentiles(chart), percentiles(html)


def set_audit(env, models, active):
    """Switch the audit rules of ``models`` (if the audit addon is installed)."""
    if "hms.audit.rule" in env:
        rules = env["hms.audit.rule"].sudo().with_context(active_test=False)
        rules.search([("model", "in", models)]).write({"active": active})


def measure_consultation(env, patient, practitioner, icds, runs):
    """p50 of create + close: ours (as is, and with chatter off) and the bare create.

    The bare baseline is ``BaseModel.create`` (no HMS override, no mail.thread) of the
    final values, with the same two diagnoses, in the same transaction. The variants run
    in turn on each iteration, each with a cold cache as a new request has, once with the
    audit rules on and once with them off.
    """
    Encounter = env["hms.encounter"]
    bare = Encounter.with_context(tracking_disable=True)
    quiet = Encounter.with_context(
        tracking_disable=True, mail_create_nolog=True, mail_create_nosubscribe=True
    )

    def values():
        return {
            "patient_id": patient.id,
            "practitioner_id": practitioner.id,
            "chief_complaint": "Cough",
            "subjective": "Five days of dry cough",
            "plan": "Rest and fluids",
            "diagnosis_ids": [
                (0, 0, {"icd10_id": icds[0].id, "diagnosis_role": "primary"}),
                (0, 0, {"icd10_id": icds[1].id, "is_chronic": True}),
            ],
        }

    def baseline(n):
        final = {
            **values(),
            "name": f"BARE{n}",
            "date_closed": odoo.fields.Datetime.now(),
            "closed_by_id": env.uid,
        }
        BaseModel.create(bare, [final])

    variants = {
        "bare ORM create": baseline,
        "ours": lambda n: Encounter.create(values()).action_close(),
        "ours, chatter off": lambda n: quiet.create(values()).action_close(),
    }
    audited = ["hms.encounter", "hms.encounter.diagnosis", "hms.patient.condition"]
    result = {}
    for audit in (True, False):
        set_audit(env, audited, audit)
        samples = {label: [] for label in variants}
        for n in range(runs):
            for label, run in variants.items():
                env.invalidate_all()
                start = time.perf_counter()
                run(f"{n}{audit}")
                env.flush_all()
                samples[label].append(time.perf_counter() - start)
        result[f"audit {'on' if audit else 'off'}"] = {
            label: percentiles(times)[0] for label, times in samples.items()
        }
    set_audit(env, audited, True)
    return result


def main():
    args = parse_args(
        __doc__.splitlines()[0],
        patients={"type": int, "default": 100_000, "help": "patients generated"},
        encounters={"type": int, "default": 500},
        vitals={"type": int, "default": 5000, "help": "vitals of the long history"},
        runs={"type": int, "default": 50},
        icd10={"action": "store_true", "help": "also time a load of the full ICD-10-CM catalogue"},
    )
    with environment(args.database, commit=False, context={}) as env:
        cr = env.cr
        doctor = env.ref("hms_base.user_doctor")
        practitioner = env.ref("hms_base.practitioner_hart")
        patient = env.ref("hms_patient.patient_john_carter")
        icds = env["hms.icd10"]._hms_find_code("J06.9") | env["hms.icd10"]._hms_find_code("R05.9")
        started = time.perf_counter()
        generate_patients(env, args.patients, patient.company_id.id)
        generate_history(
            env,
            patient,
            practitioner,
            args.encounters,
            max(1, args.vitals // max(1, args.encounters)),
            icd=env["hms.icd10"]._hms_find_code("I10"),
        )
        env.invalidate_all()
        cr.execute("SELECT count(*) FROM hms_patient")
        total_patients = cr.fetchone()[0]
        print(f"generated in {time.perf_counter() - started:.1f} s: {total_patients} patients")

        as_doctor = env(user=doctor.id)
        events, chart, html = measure_chart(as_doctor, patient.with_env(as_doctor), args.runs)
        print(
            f"chart ({events} events of {patient.with_env(as_doctor).encounter_count} "
            f"encounters): p50 {chart[0]:.1f} ms, p95 {chart[1]:.1f} ms"
        )
        print(f"chart rendered as HTML: p50 {html[0]:.1f} ms, p95 {html[1]:.1f} ms")
        timings = measure_consultation(
            as_doctor, patient.with_env(as_doctor), practitioner, icds, max(5, args.runs // 2)
        )
        print("encounter create+close (two diagnoses, one chronic), p50:")
        for audit, p50s in timings.items():
            bare = p50s["bare ORM create"]
            for label, p50 in p50s.items():
                print(f"  {audit}, {label:<20}{p50:>7.1f} ms   ratio to bare {p50 / bare:.2f}x")
        if args.icd10:
            start = time.perf_counter()
            count = env["hms.icd10"]._load_icd10_catalogue()
            print(f"full ICD-10-CM load: {count} codes in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
