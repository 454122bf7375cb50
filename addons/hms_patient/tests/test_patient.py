from datetime import date

from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import HmsPatientCase


@tagged("post_install", "-at_install")
class TestPatient(HmsPatientCase):
    def test_mrn_per_clinic(self):
        Patient = self.env["hms.patient"]
        first = Patient.create({"name": "One", "company_id": self.clinic_a.id})
        second = Patient.create({"name": "Two", "company_id": self.clinic_a.id})
        other = Patient.create({"name": "Three", "company_id": self.clinic_b.id})
        number = int(first.mrn[1:])
        self.assertRegex(first.mrn, r"^P\d{5}$")
        self.assertEqual(second.mrn, f"P{number + 1:05d}")
        self.assertEqual(other.mrn, "P00002", "clinic B numbers on its own (Bob Test is P00001)")
        self.assertEqual(first.display_name, f"[{first.mrn}] One")
        self.assertEqual(first.partner_id.name, "One")

    def test_mrn_never_reused(self):
        patient = self.env["hms.patient"].create({"name": "Gone", "company_id": self.clinic_a.id})
        mrn = patient.mrn
        patient.unlink()
        again = self.env["hms.patient"].create({"name": "Next", "company_id": self.clinic_a.id})
        self.assertGreater(again.mrn, mrn)

    @freeze_time("2026-06-01")
    def test_age_and_no_future_birthdate(self):
        self.assertEqual(self.patient_a.age, 41)
        with self.assertRaisesMessage(ValidationError, "Date of Birth"):
            self.patient_a.birthdate = date(2026, 6, 2)

    def test_phones_stored_in_e164(self):
        self.assertEqual(self.patient_a.phone, "+12175550100")
        self.patient_a.mobile = "(217) 555-0142"
        self.assertEqual(self.patient_a.mobile, "+12175550142")
        with Form(self.env["hms.patient"].with_company(self.clinic_a)) as form:
            form.name = "Form Patient"
            form.phone = "217.555.0143"
        self.assertEqual(form.record.phone, "+12175550143")

    def test_invalid_phone_refused_nothing_saved(self):
        count = self.env["hms.patient"].search_count([])
        partners = self.env["res.partner"].search_count([])
        with self.assertRaisesMessage(ValidationError, "^Phone: "):
            self.env["hms.patient"].create(
                {"name": "Wrong Number", "phone": "12", "company_id": self.clinic_a.id}
            )
        with self.assertRaisesMessage(ValidationError, "^Mobile: "):
            self.patient_a.mobile = "+1 000"
        self.assertEqual(self.env["hms.patient"].search_count([]), count)
        self.assertEqual(self.env["res.partner"].search_count([]), partners)
        self.assertFalse(self.patient_a.mobile)

    def test_identifiers_typed_and_unique_per_clinic(self):
        nid = self.env.ref("hms_patient.identifier_type_national_id")
        passport = self.env.ref("hms_patient.identifier_type_passport")
        self.patient_a.write({"identifier_ids": [(0, 0, {"type_id": nid.id, "value": "ab 12-34"})]})
        self.assertEqual(self.patient_a.identifier_ids.value, "AB1234")
        # Same value, other type, and same value in another clinic: fine.
        self.patient_a.write(
            {"identifier_ids": [(0, 0, {"type_id": passport.id, "value": "AB1234"})]}
        )
        self.patient_b.write({"identifier_ids": [(0, 0, {"type_id": nid.id, "value": "AB1234"})]})
        count = self.env["hms.patient"].search_count([])
        with self.assertRaisesMessage(ValidationError, "^Identifier: National ID AB1234"):
            self.env["hms.patient"].create(
                {
                    "name": "Copy Cat",
                    "company_id": self.clinic_a.id,
                    "identifier_ids": [(0, 0, {"type_id": nid.id, "value": "AB-1234"})],
                }
            )
        self.assertEqual(self.env["hms.patient"].search_count([]), count)

    @freeze_time("2026-06-01")
    def test_insurance_validity_and_overlap(self):
        payer = self.env["res.partner"].create({"name": "Insurer", "is_company": True})
        Insurance = self.env["hms.patient.insurance"]
        policy = Insurance.create(
            {
                "patient_id": self.patient_a.id,
                "payer_id": payer.id,
                "policy_number": "POL-1",
                "coverage_percent": 80,
                "date_start": "2026-01-01",
                "date_end": "2026-12-31",
            }
        )
        self.assertTrue(policy.is_valid)
        self.assertTrue(policy._check_usable())
        with self.assertRaisesMessage(UserError, "not valid"):
            policy._check_usable(date(2027, 1, 1))
        with self.assertRaisesMessage(ValidationError, "^Valid From / Valid Until"):
            Insurance.create(
                {
                    "patient_id": self.patient_a.id,
                    "payer_id": payer.id,
                    "policy_number": "POL-2",
                    "date_start": "2026-12-01",
                }
            )
        with self.assertRaisesMessage(ValidationError, r"^Coverage \(%\)"):
            policy.coverage_percent = 120
        with self.assertRaisesMessage(ValidationError, "^Valid Until"):
            policy.date_end = "2025-01-01"
        # Next year's policy does not overlap.
        renewal = Insurance.create(
            {
                "patient_id": self.patient_a.id,
                "payer_id": payer.id,
                "policy_number": "POL-3",
                "date_start": "2027-01-01",
            }
        )
        self.assertFalse(renewal.is_valid)
        self.assertEqual(self.patient_a.insurance_ids, policy | renewal)

    def test_allergy_banner(self):
        Allergy = self.env["hms.patient.allergy"]
        Allergy.create(
            {"patient_id": self.patient_a.id, "allergen": "Penicillin", "severity": "3_severe"}
        )
        Allergy.create(
            {
                "patient_id": self.patient_a.id,
                "allergen": "Latex",
                "allergy_type": "environment",
                "status": "inactive",
            }
        )
        self.assertEqual(self.patient_a.allergy_banner, "Penicillin (Severe)")
        self.assertFalse(self.patient_b.allergy_banner)

    def test_front_desk_search(self):
        Patient = self.env["hms.patient"]
        maria = Patient.create(
            {
                "name": "María José Núñez",
                "birthdate": "1979-02-03",
                "mobile": "+1 217 555 0155",
                "company_id": self.clinic_a.id,
                "identifier_ids": [
                    (
                        0,
                        0,
                        {
                            "type_id": self.env.ref("hms_patient.identifier_type_passport").id,
                            "value": "X9988776",
                        },
                    )
                ],
            }
        )

        def find(text):
            return Patient.search([("search_key", "ilike", text)])

        self.assertIn(maria, find("nunez"), "accent-insensitive name fragment")
        self.assertIn(maria, find("JOSE"))
        self.assertEqual(find(maria.mrn) & (maria | self.patient_a), maria)
        self.assertEqual(find("217-555-0155"), maria, "phone in any format")
        self.assertEqual(find("(217) 5550155"), maria)
        self.assertEqual(find("x998 8776"), maria, "identifier")
        self.assertIn(maria, find("1979-02-03"), "date of birth")
        self.assertNotIn(self.patient_a, find("nunez"))
        self.assertEqual(Patient.name_search("nuñez")[0][0], maria.id)

    def test_archive_not_delete_when_referenced(self):
        self.env["hms.patient.allergy"].create(
            {"patient_id": self.patient_a.id, "allergen": "Dust"}
        )
        with self.assertRaisesMessage(UserError, "Archive the patient instead"):
            self.patient_a.with_user(self.manager).unlink()
        self.patient_a.action_archive()
        self.assertFalse(self.patient_a.active)
        self.assertNotIn(self.patient_a, self.env["hms.patient"].search([]))

    def test_verify_self_registered(self):
        patient = self.env["hms.patient"].create(
            {"name": "Self Registered", "state": "to_verify", "company_id": self.clinic_a.id}
        )
        patient.with_user(self.receptionist).action_verify()
        self.assertEqual(patient.state, "active")

    def test_import_malformed_row_saves_nothing(self):
        Patient = self.env["hms.patient"].with_company(self.clinic_a)
        count = Patient.search_count([])
        result = Patient.load(
            ["name", "birthdate", "phone"],
            [
                ["Import One", "1970-01-01", "+1 217 555 0161"],
                ["Import Two", "2999-01-01", "+1 217 555 0162"],
                ["Import Three", "1980-01-01", "not a phone"],
            ],
        )
        self.assertFalse(result["ids"])
        messages = " ".join(message["message"] for message in result["messages"])
        self.assertIn("Date of Birth", messages)
        self.assertIn("Phone", messages)
        self.assertEqual(Patient.search_count([]), count)
