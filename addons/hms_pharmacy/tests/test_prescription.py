from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import HmsPharmacyCase


@tagged("post_install", "-at_install")
class TestPrescription(HmsPharmacyCase):
    def test_quantity_from_dose_frequency_and_days_in_whole_packs(self):
        prescription = self.draft(
            # 1 x 3 a day x 7 days = 21 capsules: exactly one pack of 21.
            self.line(self.amoxicillin),
            # 2 tablets every 8 hours for 5 days = 30 tablets: two packs of 24.
            self.line(
                self.ibuprofen,
                dose=2,
                frequency_type="every_hours",
                frequency_value=8,
                duration_days=5,
            ),
            # As needed, at most 4 a day for 3 days = 12: one pack of 20.
            self.line(
                self.paracetamol, frequency_type="as_needed", frequency_value=4, duration_days=3
            ),
            # A dose in mg, not in the dispensing unit: one pack, for the doctor to adjust.
            self.line(self.warfarin, dose=5, dose_unit="mg"),
        )
        self.assertEqual(prescription.line_ids.mapped("quantity"), [21, 48, 20, 28])
        self.assertEqual(prescription.line_ids[0].route, "oral")
        self.assertEqual(prescription.line_ids[0].dose_unit, "capsule")
        prescription.line_ids[3].quantity = 56
        self.assertEqual(prescription.line_ids[3].quantity, 56, "the quantity is editable")

    def test_form_computes_the_quantity_as_the_doctor_types(self):
        encounter = self.open_encounter()
        with Form(self.env["hms.prescription"].with_user(self.doctor)) as form:
            form.encounter_id = encounter
            with form.line_ids.new() as line:
                line.product_id = self.ibuprofen
                line.dose = 1
                line.frequency_value = 3
                line.duration_days = 10
                self.assertEqual(line.quantity, 48)
        prescription = form.record
        self.assertEqual(prescription.patient_id, self.patient_a)
        self.assertEqual(prescription.practitioner_id, self.practitioner_a)
        self.assertEqual(prescription.company_id, self.clinic_a)
        self.assertTrue(prescription.name.startswith("RX"), prescription.name)

    def test_numbers_per_clinic(self):
        first = self.draft(self.line(self.paracetamol))
        second = self.draft(self.line(self.paracetamol))
        self.assertNotEqual(first.name, second.name)
        self.assertIn("RX", first.name)

    def test_issue_locks_the_content(self):
        prescription = self.issued(self.line(self.paracetamol))
        self.assertEqual(prescription.state, "issued")
        self.assertEqual(prescription.queue_step, "to_verify")
        self.assertEqual(prescription.date_expiry, fields.Date.today() + timedelta(days=30))
        self.assertTrue(prescription.verify_url)
        line = prescription.line_ids
        with self.assertRaisesMessage(UserError, "is issued"):
            line.dose = 2
        with self.assertRaisesMessage(UserError, "is issued"):
            self.env["hms.prescription.line"].with_user(self.doctor).create(
                {"prescription_id": prescription.id, "product_id": self.warfarin.id}
            )
        with self.assertRaisesMessage(UserError, "is issued"):
            line.unlink()
        with self.assertRaisesMessage(UserError, "cannot be changed"):
            prescription.patient_id = self.patient_dependant
        with self.assertRaisesMessage(UserError, "already issued"):
            prescription.action_issue()
        self.assertEqual(line.dose, 1)

    def test_a_change_is_a_cancellation_and_a_new_prescription(self):
        prescription = self.issued(self.line(self.paracetamol))
        prescription.action_cancel()
        self.assertEqual(prescription.state, "cancelled")
        self.assertEqual(prescription._hms_verification_status(), "Cancelled")
        with self.assertRaisesMessage(UserError, "cannot be cancelled"):
            prescription.action_cancel()
        with self.assertRaisesMessage(UserError, "Only draft"):
            prescription.unlink()

    def test_empty_prescription_is_not_issued(self):
        prescription = self.draft()
        with self.assertRaisesMessage(UserError, "no medicine"):
            prescription.action_issue()
        self.assertEqual(prescription.state, "draft")

    def test_expiry_after_the_clinic_validity(self):
        self.clinic_a.hms_rx_validity_days = 10
        prescription = self.issued(self.line(self.paracetamol))
        with freeze_time(fields.Date.today() + timedelta(days=10)):
            self.env["hms.prescription"]._cron_expire()
            self.assertEqual(prescription.state, "issued")
        with freeze_time(fields.Date.today() + timedelta(days=11)):
            self.assertEqual(prescription._hms_verification_status(), "Expired")
            self.env["hms.prescription"]._cron_expire()
        self.assertEqual(prescription.state, "expired")

    def test_encounter_tab_and_smart_button(self):
        prescription = self.draft(self.line(self.paracetamol))
        encounter = prescription.encounter_id.with_user(self.doctor)
        self.assertEqual(encounter.prescription_count, 1)
        self.assertEqual(encounter.prescription_ids, prescription)
        action = encounter.action_hms_open_prescriptions()
        self.assertEqual(self.env["hms.prescription"].search(action["domain"]), prescription)
        self.assertEqual(
            encounter.action_hms_new_prescription()["context"]["default_encounter_id"], encounter.id
        )

    def test_bad_input(self):
        archived = self._medicine("Old syrup", "R05CA01", "ml", 100, [("guaifenesin", 100)])
        archived.product_tmpl_id.active = False
        not_medicine = self.env["product.product"].create({"name": "Gift card"})
        prescription = self.draft(self.line(self.paracetamol))
        Line = self.env["hms.prescription.line"].with_user(self.doctor)
        base = {"prescription_id": prescription.id, "dose": 1, "duration_days": 5}
        cases = [
            ({"product_id": archived.id}, "not an active medicine"),
            ({"product_id": not_medicine.id}, "not an active medicine"),
            ({"product_id": 999999999}, "Medicine.*no record"),
            ({"product_id": self.paracetamol.id, "dose": 0}, "must be positive"),
            ({"product_id": self.paracetamol.id, "dose": -1}, "must be positive"),
            ({"product_id": self.paracetamol.id, "duration_days": 0}, "must be positive"),
            ({"product_id": self.paracetamol.id, "quantity": -20}, "must be positive"),
            ({"product_id": self.paracetamol.id, "refills": -1}, "not negative"),
        ]
        for values, message in cases:
            with self.subTest(values=values):
                with self.assertRaisesMessage(ValidationError, message):
                    Line.create({**base, **values})
        self.assertEqual(len(prescription.line_ids), 1, "nothing half-written")
        with self.assertRaisesMessage(ValidationError, "not an active medicine"):
            prescription.line_ids.product_id = not_medicine

    def test_medicine_must_be_lot_tracked_with_a_valid_atc_code(self):
        with self.assertRaisesMessage(ValidationError, "tracked by lots"):
            self.env["product.template"].create(
                {"name": "Loose pills", "hms_is_medicine": True, "is_storable": True}
            )
        with self.assertRaisesMessage(ValidationError, "not an ATC code"):
            self.amoxicillin.product_tmpl_id.hms_atc_code = "12345"
        self.amoxicillin.product_tmpl_id.hms_atc_code = " j01ca04 "
        self.assertEqual(self.amoxicillin.hms_atc_code, "J01CA04")
        self.assertEqual(self.amoxicillin.hms_strength, "amoxicillin 500 mg")

    def test_copy_is_a_new_draft(self):
        prescription = self.issued(self.line(self.paracetamol))
        copy = prescription.copy()
        self.assertEqual(copy.state, "draft")
        self.assertEqual(len(copy.line_ids), 1)
        self.assertNotEqual(copy.name, prescription.name)
        self.assertEqual(copy.line_ids.safety_severity, "none")
        self.assertFalse(copy.sudo().verification_token)

    def test_patient_merge_moves_issued_prescriptions_and_dispensed_items(self):
        duplicate = self.env["hms.patient"].create(
            {
                "name": "Alice Test",
                "birthdate": "1985-04-12",
                "company_id": self.clinic_a.id,
                "duplicate_reason": "Registered twice by mistake",
            }
        )
        encounter = self.env["hms.encounter"].create(
            {"patient_id": duplicate.id, "practitioner_id": self.practitioner_a.id}
        )
        prescription = self.env["hms.prescription"].create(
            {"encounter_id": encounter.id, "line_ids": [self.line(self.paracetamol)]}
        )
        prescription.action_issue()
        self.dispense(prescription)
        items = self.env["hms.dispensed.item"].search([("prescription_id", "=", prescription.id)])
        wizard = (
            self.env["hms.patient.merge"]
            .with_user(self.manager)
            .with_context(active_model="hms.patient", active_ids=(self.patient_a | duplicate).ids)
            .create({"reason": "Same person"})
        )
        wizard.dst_patient_id = self.patient_a
        wizard.action_merge()
        # The merge ran as superuser in environments of its own: read what it stored.
        self.env.invalidate_all()
        self.assertEqual(prescription.patient_id, self.patient_a)
        self.assertEqual(prescription.line_ids.patient_id, self.patient_a)
        # Dispensed items are append-only: they stay about the patient they were written for,
        # who now points to the kept one (as the audit trail does).
        self.assertEqual(items.patient_id, duplicate)
        self.assertEqual(duplicate.merged_into_id, self.patient_a)
        self.assertEqual(prescription.state, "dispensed")
