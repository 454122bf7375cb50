#!/usr/bin/env python3
"""Benchmark of the laboratory: the worklist, entering a panel, the critical-value loop and
the HL7 import.

Inside one transaction rolled back at the end, generates ``--results`` lab results (20 per
order, set-based SQL, 2 % of them still to enter or validate) for the demo patient, then
measures as the demo users (record rules and audit included):

- worklist: the lab technician's first 80 results to enter or validate, and the first 80
  orders in the lab, cold cache each run, p50/p95 over ``--runs`` runs;
- panel: entering the 20 values of a received 20-test order one by one (``write``: flags,
  range, delta and plausibility checks, order state) against a bare ORM ``create`` of the
  same 20 result rows with their final values (``BaseModel.create``: no HMS code);
- critical: a critical potassium entered, validated by a second person and released, until
  the ordering doctor's activity exists, p50/p95;
- HL7: ``--messages`` ORU^R01 messages of 20 results each, received and applied as the
  integration user, in messages per second, against entering the same values through the
  ORM as the lab technician.

    python scripts/bench/bench_lab.py -c <odoo.conf> -d <database> --results 1000000
"""

import time

from benchlib import parse_args, percentiles

import odoo
from odoo import SUPERUSER_ID, Command, api
from odoo.models import BaseModel

PANEL = ["WBC", "RBC", "HGB", "HCT", "MCV", "PLT", "GLU", "BUN", "CREA", "NA", "K", "CL",
         "CO2", "CA", "CHOL", "HDL", "LDL", "TRIG", "HBA1C", "TSH"]  # fmt: skip
VALUES = {"WBC": "6.1", "RBC": "4.6", "HGB": "13.9", "HCT": "41", "MCV": "88", "PLT": "240",
          "GLU": "92", "BUN": "14", "CREA": "0.9", "NA": "140", "K": "4.2", "CL": "101",
          "CO2": "25", "CA": "9.4", "CHOL": "180", "HDL": "55", "LDL": "98", "TRIG": "120",
          "HBA1C": "5.4", "TSH": "1.9"}  # fmt: skip


def generate_results(env, patient, doctor, tests, count):
    """``count`` released results in orders of 20 (2 % of the orders still in the lab)."""
    orders = max(1, count // len(tests))
    cr = env.cr
    cr.execute(
        """
        INSERT INTO hms_lab_order (name, patient_id, company_id, doctor_id, priority, state,
                                   date_ordered, date_released, create_date, write_date)
        SELECT 'BENCH' || n, %(patient)s, %(company)s, %(doctor)s, (n %% 3)::varchar,
               CASE WHEN n %% 50 = 0 THEN 'received' ELSE 'released' END,
               now() - n * interval '1 minute', now() - n * interval '1 minute', now(), now()
          FROM generate_series(1, %(orders)s) n
        RETURNING id
        """,
        {"patient": patient.id, "company": patient.company_id.id, "doctor": doctor.id,
         "orders": orders},
    )  # fmt: skip
    cr.execute(
        """
        INSERT INTO hms_lab_result (order_id, test_id, sequence, patient_id, company_id,
                                    doctor_id, priority, value, value_numeric, unit, flag,
                                    state, create_date, write_date)
        SELECT o.id, t.id, t.seq, o.patient_id, o.company_id, o.doctor_id, o.priority,
               CASE WHEN o.state = 'released' THEN '1.0' END, 1.0, t.unit,
               CASE WHEN o.state = 'released' THEN 'normal' END,
               CASE WHEN o.state = 'released' THEN 'released' ELSE 'pending' END, now(), now()
          FROM hms_lab_order o,
               (SELECT id, unit, row_number() OVER () AS seq FROM hms_lab_test
                 WHERE id = ANY(%(tests)s)) t
         WHERE o.name LIKE 'BENCH%%'
        """,
        {"tests": tests.ids},
    )
    cr.execute("ANALYZE hms_lab_order; ANALYZE hms_lab_result")
    return orders * len(tests)


def new_order(env, doctor, patient, tests):
    order = env["hms.lab.order"].with_user(doctor).create(
        {"patient_id": patient.id, "company_id": patient.company_id.id,
         "test_ids": [Command.set(tests.ids)]}
    )  # fmt: skip
    order.specimen_ids.sudo().write({"state": "received"})
    order.sudo().write({"date_collected": odoo.fields.Datetime.now()})
    order.sudo()._hms_update_state()
    return order


def measure_worklist(env, tech, runs):
    Result = env["hms.lab.result"].with_user(tech)
    Order = env["hms.lab.order"].with_user(tech)
    timings = {"results": [], "orders": []}
    for _ in range(runs):
        env.invalidate_all()
        start = time.perf_counter()
        Result.search_fetch(
            [("state", "in", ("pending", "entered"))],
            ["order_id", "test_id", "value", "flag", "state", "priority"],
            limit=80,
        )
        timings["results"].append(time.perf_counter() - start)
        env.invalidate_all()
        start = time.perf_counter()
        Order.search_fetch(
            [("state", "not in", ("released", "cancelled"))],
            ["name", "patient_id", "priority", "state", "date_ordered"],
            limit=80,
        )
        timings["orders"].append(time.perf_counter() - start)
    return {key: percentiles(samples) for key, samples in timings.items()}


def measure_panel(env, *, doctor, tech, patient, tests, runs):
    by_code = {test.code: test for test in tests}
    ours, bare = [], []
    for _ in range(runs):
        order = new_order(env, doctor, patient, tests)
        results = order.result_ids.with_user(tech)
        env.flush_all()
        start = time.perf_counter()
        for result in results:
            result.write({"value": VALUES[result.test_id.code]})
        env.flush_all()
        ours.append(time.perf_counter() - start)
        rows = [
            {"order_id": order.id, "test_id": by_code[code].id, "value": VALUES[code],
             "unit": by_code[code].unit, "value_numeric": float(VALUES[code]), "flag": "normal",
             "state": "entered", "sequence": 100 + index, "patient_id": patient.id,
             "company_id": patient.company_id.id, "doctor_id": doctor.id, "priority": "0",
             "range_id": False, "is_abnormal": False, "is_critical": False,
             "previous_result_id": False, "delta_change": 0.0, "is_delta_flagged": False}
            for index, code in enumerate(PANEL)
        ]  # fmt: skip
        env.cr.execute("DELETE FROM hms_lab_result WHERE order_id = %s", [order.id])
        env.invalidate_all()
        start = time.perf_counter()
        BaseModel.create(env["hms.lab.result"].sudo(), rows)
        env.flush_all()
        bare.append(time.perf_counter() - start)
    return percentiles(ours), percentiles(bare)


def measure_critical(env, *, doctor, tech, validator, patient, potassium, runs):
    samples = []
    for _ in range(runs):
        order = new_order(env, doctor, patient, potassium)
        env.flush_all()
        start = time.perf_counter()
        order.result_ids.with_user(tech).write({"value": "7.1"})
        order.result_ids.with_user(validator).action_validate()
        order.with_user(validator).action_release()
        activity = env["mail.activity"].search(
            [("res_model", "=", "hms.lab.order"), ("res_id", "=", order.id),
             ("user_id", "=", doctor.id)]
        )  # fmt: skip
        env.flush_all()
        samples.append(time.perf_counter() - start)
        assert activity, "no notification"
    return percentiles(samples)


def hl7_message(order, patient):
    segments = [
        f"MSH|^~\\&|BENCH|LAB|HMS|CLINIC|20260302091500||ORU^R01|{order.name}|P|2.5",
        f"PID|1||{patient.mrn}^^^HMS^MR",
        f"OBR|1||{order.name}|PANEL",
    ]
    segments += [
        f"OBX|{i}|NM|{r.test_id.code}^^L||{VALUES[r.test_id.code]}|{r.unit or ''}|||||F"
        for i, r in enumerate(order.result_ids, 1)
    ]
    return "\r".join(segments)


def measure_hl7(env, *, doctor, tech, integration, patient, tests, count):
    orders = [new_order(env, doctor, patient, tests) for _ in range(count * 2)]
    messages = [hl7_message(order, patient) for order in orders[:count]]
    Message = env["hms.lab.hl7.message"].with_user(integration)
    env.flush_all()
    start = time.perf_counter()
    applied = Message.browse()
    for raw in messages:
        applied |= Message._hms_receive(raw)
    env.flush_all()
    hl7_time = time.perf_counter() - start
    assert set(applied.mapped("state")) == {"applied"}, applied.mapped("error")
    start = time.perf_counter()
    for order in orders[count:]:
        for result in order.result_ids.with_user(tech):
            result.write({"value": VALUES[result.test_id.code]})
    env.flush_all()
    orm_time = time.perf_counter() - start
    return count / hl7_time, count / orm_time


def main():
    args = parse_args(
        __doc__.splitlines()[0],
        results={"type": int, "default": 100000},
        runs={"type": int, "default": 30},
        messages={"type": int, "default": 50},
    )
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        doctor = env.ref("hms_base.user_doctor")
        tech = env.ref("hms_base.user_lab_technician")
        validator = env.ref("hms_base.user_manager")
        patient = env.ref("hms_patient.patient_john_carter")
        integration = env.ref("hms_lab.user_lab_integration")
        integration.company_ids |= patient.company_id
        integration.company_id = patient.company_id
        tests = env["hms.lab.test"].search([("code", "in", PANEL)])
        assert len(tests) == len(PANEL), "install hms_lab with its demo data"
        potassium = tests.filtered(lambda t: t.code == "K")

        start = time.perf_counter()
        generated = generate_results(env, patient, doctor, tests, args.results)
        print(f"generated {generated:,} results in {time.perf_counter() - start:.1f} s")

        worklist = measure_worklist(env, tech, args.runs)
        for name, (p50, p95) in worklist.items():
            print(f"worklist, first 80 {name:<8}  p50 {p50:6.1f} ms   p95 {p95:6.1f} ms")

        (ours50, ours95), (bare50, bare95) = measure_panel(
            env, doctor=doctor, tech=tech, patient=patient, tests=tests, runs=max(5, args.runs // 3)
        )
        print(f"20-test panel entered+flagged p50 {ours50:6.1f} ms   p95 {ours95:6.1f} ms")
        print(f"bare ORM create of 20 rows    p50 {bare50:6.1f} ms   p95 {bare95:6.1f} ms")
        print(f"  ratio to bare (p50)          {ours50 / bare50:.2f}x")

        p50, p95 = measure_critical(
            env,
            doctor=doctor,
            tech=tech,
            validator=validator,
            patient=patient,
            potassium=potassium,
            runs=max(5, args.runs // 3),
        )
        print(f"critical value to the doctor's activity  p50 {p50:6.1f} ms   p95 {p95:6.1f} ms")

        hl7_rate, orm_rate = measure_hl7(
            env,
            doctor=doctor,
            tech=tech,
            integration=integration,
            patient=patient,
            tests=tests,
            count=args.messages,
        )
        print(f"HL7 import: {hl7_rate:.1f} messages/s ({hl7_rate * 20:.0f} results/s)")
        print(f"ORM entry of the same results: {orm_rate:.1f} panels/s")
        print(f"  HL7 throughput ratio to ORM entry {hl7_rate / orm_rate:.2f}x")
        cr.rollback()


if __name__ == "__main__":
    main()
