from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import HmsPatientCase


@tagged("post_install", "-at_install")
class TestDuplicate(HmsPatientCase):
    def test_same_name_and_birthdate_flagged(self):
        Patient = self.env["hms.patient"]
        count = Patient.search_count([])
        with self.assertRaisesMessage(
            ValidationError, r"Possible duplicate of \[P\d+\] Alice Test"
        ):
            Patient.create(
                {
                    "name": "  alice   TEST ",
                    "birthdate": "1985-04-12",
                    "company_id": self.clinic_a.id,
                }
            )
        self.assertEqual(Patient.search_count([]), count, "nothing half-saved")
        twin = Patient.create(
            {
                "name": "Alice Test",
                "birthdate": "1985-04-12",
                "company_id": self.clinic_a.id,
                "duplicate_reason": "Namesake, different mother's name, ID checked",
            }
        )
        self.assertEqual(twin.duplicate_ids, self.patient_a)
        # Another clinic keeps its own registry.
        Patient.create(
            {"name": "Alice Test", "birthdate": "1985-04-12", "company_id": self.clinic_b.id}
        )

    def test_same_phone_flagged_in_form(self):
        form = Form(self.env["hms.patient"].with_company(self.clinic_a))
        form.name = "Somebody Else"
        form.phone = "+12175550100"
        self.assertEqual(form.duplicate_ids[:], self.patient_a, "shown to the receptionist")
        with self.assertRaisesMessage(ValidationError, "Possible duplicate"):
            form.save()
        form.duplicate_reason = "Shares the family phone"
        patient = form.save()
        self.assertEqual(patient.duplicate_reason, "Shares the family phone")

    def test_batch_create_checks_each_patient(self):
        Patient = self.env["hms.patient"]
        nid = self.env.ref("hms_patient.identifier_type_national_id")
        passport = self.env.ref("hms_patient.identifier_type_passport")
        self.patient_a.write({"identifier_ids": [(0, 0, {"type_id": nid.id, "value": "N1"})]})
        clean = [
            # The same value under another type is another document: not a duplicate.
            {
                "name": "Bob Clean",
                "company_id": self.clinic_a.id,
                "identifier_ids": [(0, 0, {"type_id": passport.id, "value": "N1"})],
            },
            {"name": "Carol Clean", "birthdate": "1985-04-12", "company_id": self.clinic_a.id},
        ]
        twin = {
            "name": "Dan Twin",
            "company_id": self.clinic_a.id,
            "identifier_ids": [(0, 0, {"type_id": nid.id, "value": "n-1"})],
        }
        count = Patient.search_count([])
        with self.assertRaisesMessage(ValidationError, "Identifier: National ID N1"):
            Patient.create([dict(vals) for vals in clean] + [twin])
        twin["mobile"] = "(217) 555-0100"
        twin["identifier_ids"] = []
        with self.assertRaisesMessage(ValidationError, r"Possible duplicate of \[P\d+\] Alice"):
            Patient.create([dict(vals) for vals in clean] + [twin])
        self.assertEqual(Patient.search_count([]), count, "nothing half-saved")
        created = Patient.create(clean)
        self.assertEqual(len(created), 2)
        self.assertFalse(created.duplicate_ids)

    def test_manager_merges(self):
        Patient = self.env["hms.patient"]
        nid = self.env.ref("hms_patient.identifier_type_national_id")
        self.patient_a.write({"identifier_ids": [(0, 0, {"type_id": nid.id, "value": "N1"})]})
        duplicate = Patient.create(
            {
                "name": "Alice T.",
                "birthdate": "1985-04-12",
                "company_id": self.clinic_a.id,
                "guardian_partner_ids": [(4, self.guardian_partner.id)],
                "duplicate_reason": "registered twice by mistake",
            }
        )
        allergy = self.env["hms.patient.allergy"].create(
            {"patient_id": duplicate.id, "allergen": "Aspirin"}
        )
        contact = self.env["hms.patient.contact"].create(
            {"patient_id": duplicate.id, "name": "Al", "phone": "+12175550177"}
        )
        note = duplicate.message_post(body="Called about the referral letter")
        scan = self.env["ir.attachment"].create(
            {
                "name": "referral.pdf",
                "raw": b"%PDF",
                "res_model": "hms.patient",
                "res_id": duplicate.id,
            }
        )
        duplicate.message_subscribe(partner_ids=self.guardian_partner.ids)
        wizard = (
            self.env["hms.patient.merge"]
            .with_user(self.manager)
            .with_context(active_model="hms.patient", active_ids=(self.patient_a | duplicate).ids)
            .create({"reason": "Same person, checked ID"})
        )
        self.assertEqual(wizard.dst_patient_id, self.patient_a)
        wizard.action_merge()
        # The duplicate's chatter history, files and followers now belong to the kept patient.
        self.assertEqual((note.model, note.res_id), ("hms.patient", self.patient_a.id))
        self.assertIn(note, self.patient_a.message_ids)
        self.assertEqual(scan.res_id, self.patient_a.id)
        self.assertIn(self.guardian_partner, self.patient_a.message_partner_ids)
        self.assertEqual(allergy.patient_id, self.patient_a)
        self.assertEqual(contact.patient_id, self.patient_a)
        self.assertIn(self.guardian_partner, self.patient_a.guardian_partner_ids)
        self.assertFalse(duplicate.active)
        self.assertEqual(duplicate.merged_into_id, self.patient_a)
        self.assertIn("Same person, checked ID", duplicate.message_ids[0].body)
        self.assertIn("merged into this patient", self.patient_a.message_ids[0].body)
        self.assertIn("Patient Allergy (1)", self.patient_a.message_ids[0].body)

    def test_merge_refused(self):
        wizard_values = {
            "patient_ids": [(6, 0, (self.patient_a | self.patient_b).ids)],
            "dst_patient_id": self.patient_a.id,
            "reason": "x",
        }
        with self.assertRaisesMessage(UserError, "same clinic"):
            self.env["hms.patient.merge"].create(wizard_values).action_merge()
        with mute_logger("odoo.addons.base.models.ir_model"), self.assertRaises(AccessError):
            self.env["hms.patient.merge"].with_user(self.receptionist).create(wizard_values)
        self.assertTrue(self.patient_b.active)
