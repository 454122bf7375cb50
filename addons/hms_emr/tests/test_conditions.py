from datetime import date

from odoo.tests import Form, tagged

from .common import HmsEmrCase


@tagged("post_install", "-at_install")
class TestPatientBackground(HmsEmrCase):
    def close_with(self, *diagnoses, date_start="2026-02-10 09:00:00"):
        encounter = self.open_encounter(
            date_start=date_start,
            diagnosis_ids=[(0, 0, values) for values in diagnoses],
        )
        encounter.action_close()
        return encounter

    def conditions(self):
        return self.env["hms.patient.condition"].search([("patient_id", "=", self.patient_a.id)])

    def test_chronic_diagnoses_become_conditions_once(self):
        self.close_with(
            {"icd10_id": self.icd_diabetes.id, "diagnosis_role": "primary", "is_chronic": True},
            {"icd10_id": self.icd_uri.id},
            {"icd10_id": self.icd_hypertension.id, "is_chronic": True, "status": "ruled_out"},
        )
        condition = self.conditions()
        self.assertEqual(
            (condition.code, condition.name, condition.status, condition.onset_date),
            ("E11.9", self.icd_diabetes.name, "active", date(2026, 2, 10)),
        )
        self.close_with(
            {"icd10_id": self.icd_diabetes.id, "diagnosis_role": "primary", "is_chronic": True},
            date_start="2026-03-10 09:00:00",
        )
        self.assertEqual(self.conditions(), condition, "no duplicate")
        self.assertEqual(condition.onset_date, date(2026, 2, 10), "the first onset stays")

    def test_a_resolved_condition_comes_back(self):
        condition = self.env["hms.patient.condition"].create(
            {
                "patient_id": self.patient_a.id,
                "name": "Hypertension",
                "code": "I10",
                "onset_date": "2020-01-01",
                "resolution_date": "2021-01-01",
                "status": "resolved",
            }
        )
        self.close_with(
            {"icd10_id": self.icd_hypertension.id, "diagnosis_role": "primary", "is_chronic": True}
        )
        self.assertEqual(self.conditions(), condition)
        self.assertEqual((condition.status, condition.resolution_date), ("active", False))

    def test_allergy_and_condition_banners(self):
        self.env["hms.patient.allergy"].create(
            {"patient_id": self.patient_a.id, "allergen": "Penicillin", "severity": "3_severe"}
        )
        self.env["hms.patient.condition"].create(
            {"patient_id": self.patient_a.id, "name": "Asthma", "code": "J45.909"}
        )
        form = Form(self.env["hms.encounter"].with_user(self.doctor))
        form.patient_id = self.patient_a
        self.assertEqual(form.patient_allergy_banner, "Penicillin (Severe)")
        self.assertEqual(form.patient_condition_banner, "J45.909 Asthma")
        encounter = form.save()
        as_nurse = encounter.with_user(self.nurse)
        self.assertEqual(
            (as_nurse.patient_allergy_banner, as_nurse.patient_condition_banner),
            ("Penicillin (Severe)", "J45.909 Asthma"),
        )
        self.assertFalse(
            self.open_encounter(patient=self.patient_dependant).patient_condition_banner
        )
