from datetime import date

from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import tagged

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

    @freeze_time("2026-06-01")
    def test_age_and_no_future_birthdate(self):
        self.assertEqual(self.patient_a.age, 41)
        with self.assertRaisesRegex(ValidationError, "Date of Birth"):
            self.patient_a.birthdate = date(2026, 6, 2)
