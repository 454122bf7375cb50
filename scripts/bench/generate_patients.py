"""Generate realistic patients spread over several clinics, through the ORM.

    python scripts/bench/generate_patients.py -c <odoo.conf> -d <db> --size 100000

Tops the database up to ``--size`` patients (all clinics together); batches of
``--batch`` patients are created and committed one after the other.
"""

import random
import time

from _odoo_env import environment, parse_args

FIRST = [
    "María",
    "José",
    "Zoë",
    "Jürgen",
    "Amélie",
    "Noah",
    "Liam",
    "Olivia",
    "Emma",
    "Ava",
    "Lucía",
    "Mateo",
    "Chloé",
    "Søren",
    "Ana",
    "Élodie",
    "Björn",
    "Aisha",
    "Omar",
    "Mei",
    "Hiroshi",
    "Priya",
    "Rahul",
    "Fatima",
    "Grace",
    "John",
    "Kim",
    "Leo",
    "Nora",
    "Iñigo",
]
LAST = [
    "López",
    "García",
    "Müller",
    "Núñez",
    "Dubois",
    "Smith",
    "Johnson",
    "Brown",
    "Kim",
    "Nguyen",
    "Carter",
    "Peña",
    "Öztürk",
    "Svensson",
    "Kowalski",
    "Rossi",
    "Novák",
    "Ibáñez",
    "O'Brien",
    "Walker",
    "Patel",
    "Khan",
    "Tanaka",
    "Haddad",
    "Fernández",
    "Łukasik",
    "Andersen",
    "Moreau",
    "Schäfer",
    "Costa",
]
AREA_CODES = ["217", "309", "312", "630", "773", "815", "847"]
CLINICS = 3


def random_patient(rng, company, nid_type):
    middle = f"{rng.choice(FIRST)} " if rng.random() < 0.3 else ""
    name = f"{rng.choice(FIRST)} {middle}{rng.choice(LAST)}"
    values = {
        "name": name,
        "birthdate": f"{rng.randint(1930, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        "gender": rng.choice(["female", "male"]),
        "phone": f"({rng.choice(AREA_CODES)}) {rng.randint(200, 999)}-{rng.randint(0, 9999):04d}",
        "company_id": company.id,
        # Generated people may share a name, birth date or phone by chance.
        "duplicate_reason": "generated benchmark data",
    }
    if rng.random() < 0.5:
        values["identifier_ids"] = [
            (0, 0, {"type_id": nid_type.id, "value": f"{company.id}-{rng.randrange(10**12):012d}"})
        ]
    return values


def clinics(env):
    companies = env["res.company"].search([], order="id", limit=CLINICS)
    for index in range(len(companies), CLINICS):
        companies |= env["res.company"].create(
            {"name": f"Bench Clinic {index + 1}", "country_id": env.ref("base.us").id}
        )
    for company in companies.filtered(lambda c: not c.country_id):
        company.country_id = env.ref("base.us")
    return companies


def main():
    args = parse_args(
        "Generate patients for the benchmark.",
        batch={"type": int, "default": 1000},
        seed={"type": int, "default": 42},
    )
    rng = random.Random(args.seed)
    with environment(args.database) as env:
        companies = clinics(env)
        nid_type = env.ref("hms_patient.identifier_type_national_id")
        existing = env["hms.patient"].with_context(active_test=False).search_count([])
        env.cr.commit()
        todo = max(args.size - existing, 0)
        start = time.perf_counter()
        done = 0
        while done < todo:
            count = min(args.batch, todo - done)
            company = companies[(done // args.batch) % len(companies)]
            Patient = env["hms.patient"].with_company(company)
            try:
                Patient.create([random_patient(rng, company, nid_type) for _ in range(count)])
            except Exception as error:  # an identifier drawn twice: skip the batch
                env.cr.rollback()
                print(f"batch skipped: {error}")
                continue
            env.cr.commit()
            done += count
            elapsed = time.perf_counter() - start
            print(f"{existing + done} patients ({done / elapsed:.0f}/s)", flush=True)
        env.cr.execute("ANALYZE hms_patient, res_partner, hms_patient_identifier")


if __name__ == "__main__":
    main()
