from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import HmsPharmacyCase


@tagged("post_install", "-at_install")
class TestSafetyChecks(HmsPharmacyCase):
    def allergic_to(self, allergen, patient=None):
        return self.env["hms.patient.allergy"].create(
            {
                "patient_id": (patient or self.patient_a).id,
                "allergen": allergen,
                "allergy_type": "drug",
                "severity": "3_severe",
            }
        )

    def test_allergy_to_a_drug_class_blocks_issue_until_overridden(self):
        self.allergic_to("Penicillin")
        prescription = self.draft(self.line(self.amoxicillin), self.line(self.paracetamol))
        with self.assertRaisesMessage(UserError, "allergic to Penicillin"):
            prescription.action_issue()
        self.assertEqual(prescription.state, "draft")
        prescription.action_check_safety()
        amoxicillin, paracetamol = prescription.line_ids
        self.assertEqual(amoxicillin.safety_severity, "severe")
        self.assertIn("allergic to Penicillin", amoxicillin.safety_findings)
        self.assertEqual(paracetamol.safety_severity, "none")
        self.assertEqual(prescription.safety_severity, "severe")
        amoxicillin.override_reason = "Tolerated amoxicillin last year under observation"
        self.assertEqual(amoxicillin.override_by_id, self.doctor)
        self.assertTrue(amoxicillin.override_date)
        prescription.action_issue()
        self.assertEqual(prescription.state, "issued")
        self.assertIn(
            "Tolerated amoxicillin",
            prescription.message_ids[:3].mapped(lambda m: str(m.body)).__str__(),
        )

    def test_allergy_by_ingredient_and_by_atc_class(self):
        self.allergic_to("ibuprofen")
        self.allergic_to("C08CA")
        prescription = self.draft(self.line(self.ibuprofen), self.line(self.amlodipine))
        prescription.action_check_safety()
        self.assertEqual(prescription.line_ids.mapped("safety_severity"), ["severe", "severe"])

    def test_food_and_inactive_allergies_are_ignored(self):
        allergy = self.allergic_to("Penicillin")
        allergy.status = "inactive"
        self.env["hms.patient.allergy"].create(
            {"patient_id": self.patient_a.id, "allergen": "amoxicillin", "allergy_type": "food"}
        )
        prescription = self.issued(self.line(self.amoxicillin))
        self.assertEqual(prescription.line_ids.safety_severity, "none")

    def test_interaction_with_a_current_medicine(self):
        current = self.issued(self.line(self.warfarin, duration_days=30))
        # Warfarin (B01AA) with an NSAID (M01A): the catalogue's class pair, severe.
        prescription = self.draft(self.line(self.ibuprofen))
        with self.assertRaisesMessage(UserError, r"Ibuprofen .*: Interaction with .*Warfarin"):
            prescription.action_issue()
        prescription.action_check_safety()
        line = prescription.line_ids
        self.assertEqual(line.safety_severity, "severe")
        self.assertIn(current.name, line.safety_findings)
        self.assertIn("b01aa x m01a", line.safety_findings)
        self.assertIn("Demo catalogue", line.safety_findings, "the source is named")

    def test_interaction_within_the_new_prescription(self):
        prescription = self.draft(self.line(self.warfarin), self.line(self.ibuprofen))
        prescription.action_check_safety()
        self.assertEqual(prescription.line_ids[0].safety_severity, "severe")

    def test_cancelled_prescriptions_are_not_current(self):
        current = self.issued(self.line(self.warfarin))
        current.action_cancel()
        prescription = self.issued(self.line(self.ibuprofen))
        self.assertEqual(prescription.line_ids.safety_severity, "none")

    def test_duplicate_therapy_warns_without_blocking(self):
        self.issued(self.line(self.amlodipine))
        prescription = self.issued(self.line(self.nifedipine))
        line = prescription.line_ids
        self.assertEqual(line.safety_severity, "moderate")
        self.assertIn("Duplicate therapy", line.safety_findings)
        self.assertIn("C08CA", line.safety_findings)

    def test_catalogue_is_editable_by_the_manager_and_used_at_once(self):
        Interaction = self.env["hms.drug.interaction"].with_user(self.manager)
        Interaction.create(
            {
                "term_a": " Paracetamol ",
                "term_b": "AMOXICILLIN",
                "severity": "severe",
                "description": "Test interaction",
                "source": "Test source",
            }
        )
        prescription = self.draft(self.line(self.paracetamol), self.line(self.amoxicillin))
        prescription.action_check_safety()
        self.assertIn("Test interaction", prescription.line_ids[0].safety_findings)

    def test_new_finding_at_dispensing_blocks_the_pharmacist_until_overridden(self):
        prescription = self.issued(self.line(self.ibuprofen))
        self.assertEqual(prescription.line_ids.safety_severity, "none")
        # Since then another doctor put the patient on warfarin (with an override).
        warfarin = self.draft(self.line(self.warfarin))
        warfarin.line_ids.override_reason = "Ibuprofen will be stopped"
        warfarin.action_issue()
        rx = prescription.with_user(self.pharmacist)
        with self.assertRaisesMessage(UserError, "Severe safety findings"):
            rx.action_verify()
        self.assertEqual(rx.queue_step, "to_verify")
        line = rx.line_ids
        # The refusal rolled everything back; the pharmacist records the reason and retries.
        rx.env.invalidate_all()
        line.override_reason = "Short course, patient informed, INR check booked"
        self.assertEqual(line.override_by_id, self.pharmacist)
        rx.action_verify()
        self.assertEqual(rx.queue_step, "verified")
        self.assertEqual(line.safety_severity, "severe")
        self.assertIn("Warfarin", line.override_findings)
