"""Generate realistic patients spread over several clinics.

    python scripts/bench/generate_patients.py -c <odoo.conf> -d <db> --size 100000
    python scripts/bench/generate_patients.py -c <odoo.conf> -d <db> --size 1000000 --bulk

Tops the database up to ``--size`` patients (all clinics together); batches of
``--batch`` patients are created and committed one after the other. By default
through the ORM (a few hundred patients per second); ``--bulk`` writes the same kind
of rows with ``INSERT ... SELECT generate_series`` (benchmark data only: no duplicate
check, no tracking), then moves each clinic's MRN sequence past the numbers it used.
"""

import random
import time

from benchlib import environment, parse_args

from odoo.tools import SQL

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


# Row ``n`` of a bulk batch goes to clinic ``n % k`` with that clinic's MRN number
# ``first[c] + n / k``; every other row gets a national ID, unique through a bijective
# hash of ``n`` (the multiplier is prime to 10**12). Names, phones (E.164) and birth
# dates are drawn like random_patient draws them.
BULK_INSERT = """
WITH rows AS (
    SELECT n,
           nextval('res_partner_id_seq') AS partner_id,
           nextval('hms_patient_id_seq') AS patient_id,
           (%(companies)s::int[])[1 + n %% %(k)s] AS company_id,
           %(prefix)s || lpad(number::text, greatest(%(padding)s, length(number::text)), '0')
               || %(suffix)s AS mrn,
           first[1 + floor(random() * cardinality(first))::int]
               || CASE WHEN random() < 0.3
                       THEN ' ' || first[1 + floor(random() * cardinality(first))::int]
                       ELSE '' END
               || ' ' || last[1 + floor(random() * cardinality(last))::int] AS name,
           '+1' || (%(areas)s::text[])[1 + floor(random() * %(area_count)s)::int]
               || (200 + floor(random() * 800))::int
               || lpad(floor(random() * 10000)::int::text, 4, '0') AS phone,
           DATE '1930-01-01' + floor(random() * 34675)::int AS birthdate,
           CASE WHEN random() < 0.5 THEN 'female' ELSE 'male' END AS gender
      FROM generate_series(%(start)s, %(stop)s - 1) AS n,
           LATERAL (SELECT (%(firsts)s::int[])[1 + n %% %(k)s] + n / %(k)s AS number) AS numbers,
           LATERAL (SELECT %(first_names)s::text[] AS first,
                           %(last_names)s::text[] AS last) AS lists
), partners AS (
    INSERT INTO res_partner (id, name, complete_name, commercial_partner_id, company_id, phone,
                             type, active, is_company, partner_share, lang,
                             create_uid, write_uid, create_date, write_date)
    SELECT partner_id, name, name, partner_id, company_id, phone,
           'contact', TRUE, FALSE, TRUE, 'en_US', 1, 1, now(), now()
      FROM rows
), patients AS (
    INSERT INTO hms_patient (id, partner_id, company_id, mrn, birthdate, gender, state, active,
                             duplicate_reason, create_uid, write_uid, create_date, write_date)
    SELECT patient_id, partner_id, company_id, mrn, birthdate, gender, 'active', TRUE,
           'generated benchmark data', 1, 1, now(), now()
      FROM rows
)
INSERT INTO hms_patient_identifier (patient_id, company_id, type_id, value,
                                    create_uid, write_uid, create_date, write_date)
SELECT patient_id, company_id, %(nid_type)s,
       company_id || lpad(((n * 2654435761) %% 1000000000000)::text, 12, '0'),
       1, 1, now(), now()
  FROM rows
 WHERE n %% 2 = 0
"""


def bulk_insert(env, companies, todo, batch, seed):
    """Insert ``todo`` patients with SQL, ``batch`` rows per committed statement."""
    sequences, firsts = [], []
    for company in companies:
        sequence = env["ir.sequence"]._hms_sequence("hms.patient", company)  # the clinic's own
        sequences.append(sequence)
        firsts.append(sequence.number_next_actual)
    prefix, suffix = sequences[0]._get_prefix_suffix()
    env.cr.execute(SQL("SELECT setseed(%s)", 1 / (1 + seed)))
    params = {
        "companies": companies.ids,
        "k": len(companies),
        "firsts": firsts,
        "prefix": prefix,
        "suffix": suffix,
        "padding": sequences[0].padding,
        "areas": AREA_CODES,
        "area_count": len(AREA_CODES),
        "first_names": FIRST,
        "last_names": LAST,
        "nid_type": env.ref("hms_patient.identifier_type_national_id").id,
    }
    start = time.perf_counter()
    for low in range(0, todo, batch):
        high = min(low + batch, todo)
        env.cr.execute(BULK_INSERT, dict(params, start=low, stop=high))
        env.cr.commit()
        print(
            f"{high} patients inserted ({high / (time.perf_counter() - start):.0f}/s)", flush=True
        )
    for index, sequence in enumerate(sequences):
        used = len(range(index, todo, len(companies)))
        sequence.number_next = firsts[index] + used
    env.cr.commit()


def main():
    args = parse_args(
        "Generate patients for the benchmark.",
        size={"type": int, "default": 20000, "help": "patients in the database afterwards"},
        batch={"type": int, "default": 1000},
        seed={"type": int, "default": 42},
        bulk={"action": "store_true", "help": "insert with SQL (large volumes)"},
    )
    rng = random.Random(args.seed)
    with environment(args.database) as env:
        companies = clinics(env)
        nid_type = env.ref("hms_patient.identifier_type_national_id")
        existing = env["hms.patient"].with_context(active_test=False).search_count([])
        env.cr.commit()
        todo = max(args.size - existing, 0)
        if args.bulk:
            bulk_insert(env, companies, todo, max(args.batch, 50000), args.seed)
            todo = 0
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
        env.cr.commit()
        env.cr.execute("ANALYZE hms_patient, res_partner, hms_patient_identifier")


if __name__ == "__main__":
    main()
