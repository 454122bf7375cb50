#!/usr/bin/env python3
"""A worked example for integrators: the HMS over Odoo's external XML-RPC API.

It signs in as a staff user, lists practitioners and registers a patient, with the same
access rights as that user has in the web client (a receptionist may register patients,
not edit practitioners). Run it against a server:

    python3 scripts/examples/integrator.py --url http://localhost:8069 --db hms \
        --login reception --password hms-demo-2026 --patient "Jane Doe" --birthdate 1990-05-01

Use an API key (Preferences > Account Security) instead of the password when the user has
two-factor authentication: Odoo accepts API keys wherever a password is expected.
"""

import argparse
import xmlrpc.client


class HmsClient:
    """A thin client over /xmlrpc/2: one authenticated user, one database."""

    def __init__(self, url, db, login, password):
        self.db, self.password = db, password
        common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common", allow_none=True)
        self.uid = common.authenticate(db, login, password, {})
        if not self.uid:
            raise PermissionError(f"Login refused for {login!r} on database {db!r}")
        self.models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object", allow_none=True)

    def call(self, model, method, *args, **kwargs):
        """Call ``method`` of ``model`` with the user's rights."""
        return self.models.execute_kw(
            self.db, self.uid, self.password, model, method, list(args), kwargs
        )

    def practitioners(self, specialty=None):
        """Active practitioners visible to the user, optionally of one specialty."""
        domain = [("specialty_ids.name", "ilike", specialty)] if specialty else []
        return self.call(
            "hms.practitioner",
            "search_read",
            domain,
            fields=["name", "specialty_ids"],
            order="name",
        )

    def register_patient(self, name, birthdate=None, phone=None):
        """Register a patient and return its id and medical record number."""
        values = {"name": name, "birthdate": birthdate, "phone": phone}
        patient_id = self.call("hms.patient", "create", {k: v for k, v in values.items() if v})
        [patient] = self.call("hms.patient", "read", [patient_id], fields=["mrn"])
        return patient_id, patient["mrn"]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://localhost:8069")
    parser.add_argument("--db", default="hms")
    parser.add_argument("--login", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--patient", help="name of a patient to register")
    parser.add_argument("--birthdate", help="YYYY-MM-DD")
    parser.add_argument("--phone")
    args = parser.parse_args(argv)
    client = HmsClient(args.url, args.db, args.login, args.password)
    for practitioner in client.practitioners():
        print(f"practitioner {practitioner['id']}: {practitioner['name']}")
    if args.patient:
        patient_id, mrn = client.register_patient(args.patient, args.birthdate, args.phone)
        print(f"registered patient {patient_id} with medical record number {mrn}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
