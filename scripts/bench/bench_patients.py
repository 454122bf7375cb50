"""Benchmark of the patient registry: creation rate and front-desk searches.

    python scripts/bench/generate_patients.py -c <odoo.conf> -d <db> --size 100000
    python scripts/bench/bench_patients.py -c <odoo.conf> -d <db> --size 100000

Prints, for the patients in the database:
- patients created per second through the ORM (sequence, E.164 phones, duplicate
  check) against bare ``res.partner`` creates of the same data in the same run (ratio);
- p50/p95 of the front-desk searches (MRN, name fragment, phone in another format,
  identifier, date of birth), as a receptionist would run them (record rules applied).
Everything the benchmark creates is rolled back.
"""

import random
import statistics
import time

from _odoo_env import environment, parse_args
from generate_patients import clinics, random_patient


def percentile(samples, fraction):
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def bench_create(env, rng, count, batch):
    company = clinics(env)[0]
    nid_type = env.ref("hms_patient.identifier_type_national_id")
    rows = [random_patient(rng, company, nid_type) for _ in range(count)]
    Patient = env["hms.patient"].with_company(company)
    Partner = env["res.partner"].with_company(company)
    partner_rows = [{key: row[key] for key in ("name", "phone", "company_id")} for row in rows]

    def run(model, values):
        start = time.perf_counter()
        for index in range(0, len(values), batch):
            model.create(values[index : index + batch])
        env.flush_all()
        return len(values) / (time.perf_counter() - start)

    partner_rate = run(Partner, partner_rows)
    patient_rate = run(Patient, rows)
    env.cr.rollback()
    return patient_rate, partner_rate


def bench_search(env, values, repeat):
    """Time the front-desk search of each value, caches cleared in between."""
    Patient = env["hms.patient"]
    samples, hits = [], []
    for value in values[:repeat]:
        start = time.perf_counter()
        found = Patient.search([("search_key", "ilike", value)], limit=80)
        found.mapped("display_name")
        samples.append((time.perf_counter() - start) * 1000)
        hits.append(len(found))
        env.invalidate_all()
    return samples, hits


def search_terms(env, rng, count):
    """Terms a receptionist types, drawn from existing patients."""
    env.cr.execute(
        """
        SELECT p.mrn, rp.name, rp.phone, p.birthdate, i.value
          FROM hms_patient p
          JOIN res_partner rp ON rp.id = p.partner_id
     LEFT JOIN hms_patient_identifier i ON i.patient_id = p.id
         WHERE p.company_id = %s AND rp.phone IS NOT NULL
      ORDER BY random() LIMIT %s
        """,
        [env.company.id, count],
    )
    rows = env.cr.fetchall()
    terms = {"mrn": [], "name fragment": [], "phone": [], "identifier": [], "date of birth": []}
    for mrn, name, phone, birthdate, identifier in rows:
        terms["mrn"].append(mrn)
        last = name.split()[-1]
        terms["name fragment"].append(last[: rng.randint(3, min(6, len(last)))].lower())
        # +12175550100 -> (217) 555-0100: the desk types it in the national format.
        national = phone[2:]
        terms["phone"].append(f"({national[:3]}) {national[3:6]}-{national[6:]}")
        terms["date of birth"].append(birthdate.strftime("%m/%d/%Y"))
        if identifier:
            terms["identifier"].append(identifier)
    return terms


def main():
    args = parse_args(
        "Benchmark patient creation and front-desk search.",
        queries={"type": int, "default": 200},
        creates={"type": int, "default": 2000},
        batch={"type": int, "default": 100},
    )
    rng = random.Random(7)
    with environment(args.database, commit=False) as env:
        total = env["hms.patient"].with_context(active_test=False).search_count([])
        print(f"patients in the database: {total} (requested size {args.size})")
        patient_rate, partner_rate = bench_create(env, rng, args.creates, args.batch)
        print(
            f"create: {patient_rate:.0f} patients/s vs {partner_rate:.0f} bare res.partner/s "
            f"(ratio {partner_rate / patient_rate:.2f}x the bare ORM cost)"
        )
        receptionist = env.ref("hms_base.user_receptionist", raise_if_not_found=False)
        desk = env(user=receptionist.id or env.uid, context={"lang": "en_US"})
        desk = desk(context=dict(desk.context, allowed_company_ids=desk.user.company_ids.ids))
        terms = search_terms(desk, rng, args.queries)
        print(f"{'search':<16}{'p50 ms':>8}{'p95 ms':>8}{'hits':>8}  (limit 80)")
        for label, values in terms.items():
            samples, hits = bench_search(desk, values, args.queries)
            print(
                f"{label:<16}{statistics.median(samples):>8.1f}{percentile(samples, 0.95):>8.1f}"
                f"{statistics.mean(hits):>8.1f}"
            )


if __name__ == "__main__":
    main()
