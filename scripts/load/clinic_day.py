"""A clinic day through the proxy, with Locust: ``scripts/cluster load -u 40 -r 4 -t 2m``.

Each simulated user signs in as a demo user of its role and does that role's work over the
web client's JSON-RPC: receptionists search patients and book, nurses record vitals, doctors
open charts and close encounters, pharmacists dispense what waits in their queue, billing
clerks invoice what is left to bill, portal patients book and pay (pharmacy and billing work
when those addons are installed). Locust prints requests per second, p50/p95 per action and
the errors (target 0).
"""

import itertools
import os
import random
import re
import uuid
from datetime import date, timedelta

from locust import HttpUser, between, events, task

DB = "hms"
# The demo users' password (scripts/run prints the logins).
PASSWORD = os.environ.get("HMS_DEMO_PASSWORD", "hms-demo-2026")
FRAGMENTS = ["car", "lop", "mar", "jo", "an", "le", "sa", "mi"]
_days = itertools.count(30)


class RpcUser(HttpUser):
    abstract = True
    # Whether this role's work may be refused for business reasons without being an error.
    refusals_ok = False
    wait_time = between(0.5, 2)
    login = None

    def on_start(self):
        self.post(
            "/web/session/authenticate",
            {"db": DB, "login": self.login, "password": PASSWORD},
            "sign in",
        )
        self.modules = self.post("/web/session/modules", {}, "sign in") or []

    def post(self, path, params, name):
        with self.client.post(
            path, json={"jsonrpc": "2.0", "params": params}, name=name, catch_response=True
        ) as response:
            payload = response.json() if response.ok else {}
            error = payload.get("error")
            if error and error["data"]["name"] == "odoo.exceptions.UserError" and self.refusals_ok:
                # A business refusal (not enough stock, slot taken) is a correct outcome.
                response.success()
                return None
            if error:
                response.failure(error["data"]["message"][:200])
                return None
            return payload.get("result")

    def rpc(self, name, model, method, *args, **kwargs):
        return self.post(
            "/web/dataset/call_kw",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
            name,
        )


class Receptionist(RpcUser):
    login = "reception"
    weight = 4

    @task(3)
    def search_patient(self):
        self.rpc(
            "receptionist: search patients",
            "hms.patient",
            "web_search_read",
            [("name", "ilike", random.choice(FRAGMENTS))],
            specification={"name": {}, "mrn": {}, "phone": {}},
            limit=80,
        )

    @task(1)
    def book(self):
        practitioners = self.rpc(
            "receptionist: practitioners",
            "hms.practitioner",
            "search_read",
            [],
            fields=["id", "company_ids"],
        )
        patients = self.rpc(
            "receptionist: search patients",
            "hms.patient",
            "search_read",
            [],
            fields=["id", "company_id"],
            limit=20,
        )
        kinds = self.rpc(
            "receptionist: appointment types",
            "hms.appointment.type",
            "search_read",
            [],
            fields=["id"],
            limit=1,
        )
        if not (practitioners and patients and kinds):
            return
        practitioner = random.choice(practitioners)
        patient = random.choice(
            [p for p in patients if p["company_id"][0] in practitioner["company_ids"]] or patients
        )
        day = date.today() + timedelta(days=next(_days) % 700 + 1)
        values = {
            "patient_id": patient["id"],
            "practitioner_id": practitioner["id"],
            "appointment_type_id": kinds[0]["id"],
            "date_from": day.isoformat(),
            "date_to": (day + timedelta(days=2)).isoformat(),
        }
        booking = self.rpc("receptionist: new booking", "hms.appointment.booking", "create", values)
        if not booking:
            return
        self.rpc(
            "receptionist: free-slot search", "hms.appointment.booking", "action_search", [booking]
        )
        [wizard] = self.rpc(
            "receptionist: free-slot search",
            "hms.appointment.booking",
            "read",
            [booking],
            ["slot_ids"],
        ) or [{}]
        if wizard.get("slot_ids"):
            slot = random.choice(wizard["slot_ids"])
            self.rpc("receptionist: book", "hms.appointment.booking.slot", "action_book", [slot])


class Nurse(RpcUser):
    login = "nurse"
    weight = 2

    @task
    def record_vitals(self):
        patients = self.rpc(
            "nurse: patients", "hms.patient", "search_read", [], fields=["id"], limit=50
        )
        if patients:
            self.rpc(
                "nurse: record vitals",
                "hms.vital",
                "create",
                {
                    "patient_id": random.choice(patients)["id"],
                    "pulse": random.randint(55, 110),
                    "bp_systolic": random.randint(100, 150),
                    "bp_diastolic": random.randint(60, 95),
                },
            )


class Doctor(RpcUser):
    login = "doctor"
    weight = 2

    def patients_in_care(self):
        return self.rpc(
            "doctor: my patients",
            "hms.patient",
            "search_read",
            [("care_team_user_ids", "in", [self.uid])],
            fields=["id"],
            limit=20,
        )

    def on_start(self):
        result = self.post(
            "/web/session/authenticate",
            {"db": DB, "login": self.login, "password": PASSWORD},
            "sign in",
        )
        self.uid = result and result["uid"]

    @task(3)
    def open_chart(self):
        patients = self.patients_in_care()
        if patients:
            patient = random.choice(patients)["id"]
            self.rpc(
                "doctor: chart",
                "hms.encounter",
                "web_search_read",
                [("patient_id", "=", patient)],
                specification={"name": {}, "date_start": {}, "chief_complaint": {}, "state": {}},
                limit=40,
            )
            self.rpc(
                "doctor: chart",
                "hms.vital",
                "web_search_read",
                [("patient_id", "=", patient)],
                specification={"date": {}, "pulse": {}, "bp_systolic": {}, "bmi": {}},
                limit=40,
            )

    @task(1)
    def close_encounter(self):
        patients = self.patients_in_care()
        if not patients:
            return
        encounter = self.rpc(
            "doctor: open encounter",
            "hms.encounter",
            "create",
            {
                "patient_id": random.choice(patients)["id"],
                "chief_complaint": f"Load test {uuid.uuid4().hex[:6]}",
            },
        )
        if encounter:
            self.rpc(
                "doctor: diagnose",
                "hms.encounter.diagnosis",
                "create",
                {"encounter_id": encounter, "icd10_code": "J06.9", "diagnosis_role": "primary"},
            )
            self.rpc("doctor: close encounter", "hms.encounter", "action_close", [encounter])


class Pharmacist(RpcUser):
    login = "pharmacist"
    weight = 1
    refusals_ok = True

    @task
    def dispense(self):
        """Open the queue and take the oldest waiting prescription through its three steps."""
        if "hms_pharmacy" not in self.modules:
            return
        queue = self.rpc(
            "pharmacist: queue",
            "hms.prescription",
            "search_read",
            [("state", "in", ("issued", "partially_dispensed"))],
            fields=["id", "queue_step"],
            limit=80,
        )
        for prescription in queue or []:
            steps = {
                "verified": ["action_prepare", "action_hand_over"],
                "prepared": ["action_hand_over"],
            }.get(
                prescription["queue_step"], ["action_verify", "action_prepare", "action_hand_over"]
            )
            for step in steps:
                if (
                    self.rpc(
                        f"pharmacist: {step[7:]}", "hms.prescription", step, [prescription["id"]]
                    )
                    is None
                ):
                    return
            return


class BillingClerk(RpcUser):
    login = "billing"
    weight = 1

    @task
    def invoice(self):
        """Invoice the oldest charges left to bill and post the invoices."""
        if "hms_billing" not in self.modules:
            return
        charges = self.rpc(
            "billing: unbilled worklist",
            "hms.charge",
            "web_search_read",
            [("state", "=", "to_bill")],
            specification={"name": {}, "amount": {}, "patient_id": {}},
            limit=80,
            order="date, id",
        )
        if charges and charges["records"]:
            ids = [charge["id"] for charge in charges["records"][:5]]
            self.rpc("billing: invoice", "hms.charge", "action_invoice", ids)
            drafts = self.rpc(
                "billing: drafts",
                "account.move",
                "search",
                [("state", "=", "draft"), ("hms_patient_id", "!=", False)],
                limit=5,
            )
            if drafts:
                self.rpc("billing: post", "account.move", "action_post", drafts)


class PortalPatient(HttpUser):
    weight = 1
    wait_time = between(1, 3)

    def on_start(self):
        self.client.post(
            "/web/session/authenticate",
            json={"jsonrpc": "2.0", "params": {"db": DB, "login": "maria", "password": PASSWORD}},
            name="sign in",
        )

    @task(2)
    def book(self):
        """Book through the portal: a practitioner and a day, then the first free time."""
        page = self.client.get("/my/appointments/book", name="portal: booking form").text
        select = re.search(r'<select id="practitioner_id".*?</select>', page, re.S)
        choices = re.findall(r'<option value="(\d+)"', select.group(0)) if select else []
        if not choices:
            return
        day = (date.today() + timedelta(days=random.randint(3, 60))).isoformat()
        practitioner = random.choice(choices)
        page = self.client.get(
            f"/my/appointments/book?practitioner_id={practitioner}&day={day}",
            name="portal: free times of a day",
        ).text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
        start = re.search(r'name="start" value="([^"]+)"', page)
        fields_ = dict(
            re.findall(r'name="(patient_id|practitioner_id|type_id)" value="(\d+)"', page)
        )
        if csrf and start and len(fields_) == 3:
            with self.client.post(
                "/my/appointments/book/confirm",
                data={"csrf_token": csrf.group(1), "start": start.group(1), **fields_},
                name="portal: book",
                catch_response=True,
            ) as response:
                if response.status_code != 200:
                    response.failure(f"status {response.status_code}")

    @task(1)
    def pay(self):
        """Pay the first open invoice with Odoo's demo payment provider."""
        page = self.client.get("/my/invoices", name="portal: my invoices").text
        found = re.search(r"/my/invoices/(\d+)\?access_token=([\w-]+)&amp;payment=True", page)
        if not found:
            return
        invoice_id, token = found.groups()
        page = self.client.get(
            f"/my/invoices/{invoice_id}?access_token={token}&payment=True", name="portal: invoice"
        ).text
        provider = re.search(r'data-provider-id="(\d+)" data-provider-code="demo"', page)
        method = re.search(r'data-payment-option-id="(\d+)" data-payment-method-code="demo"', page)
        amount = re.search(r'data-amount="([\d.]+)"', page)
        if not (provider and method and amount):
            return
        result = (
            self.client.post(
                f"/invoice/transaction/{invoice_id}",
                json={
                    "jsonrpc": "2.0",
                    "params": {
                        "access_token": token,
                        "provider_id": int(provider.group(1)),
                        "payment_method_id": int(method.group(1)),
                        "token_id": None,
                        "amount": float(amount.group(1)),
                        "flow": "direct",
                        "tokenization_requested": False,
                        "landing_route": f"/my/invoices/{invoice_id}",
                        "is_validation": False,
                    },
                },
                name="portal: pay (transaction)",
            )
            .json()
            .get("result")
            or {}
        )
        if result.get("reference"):
            self.client.post(
                "/payment/demo/simulate_payment",
                json={
                    "jsonrpc": "2.0",
                    "params": {
                        "reference": result["reference"],
                        "payment_details": "4242",
                        "simulated_state": "done",
                    },
                },
                name="portal: pay (confirm)",
            )

    @task
    def my_appointments(self):
        with self.client.get(
            "/my/appointments",
            name="portal: my appointments",
            catch_response=True,
            allow_redirects=False,
        ) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")


@events.quitting.add_listener
def _summary(environment, **_kwargs):
    stats = environment.stats
    print(
        f"\nclinic day: {stats.total.num_requests} requests, "
        f"{stats.total.total_rps:.1f} requests/s, "
        f"{stats.total.num_failures} errors"
    )
    for entry in sorted(stats.entries.values(), key=lambda e: e.name):
        p50, p95 = (entry.get_response_time_percentile(q) for q in (0.5, 0.95))
        print(
            f"  {entry.name:38} {entry.num_requests:6} req  p50 {p50:6.0f} ms  p95 {p95:6.0f} ms"
            f"  errors {entry.num_failures}"
        )
