"""The shared mechanisms of hms_base on the records of the suite: numbering per clinic,
lines locked with their encounter, append-only records."""

from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.hms_appointment.tests.common import at

from .common import HmsEmrAppointmentCase


@tagged("post_install", "-at_install")
class TestSharedMechanisms(HmsEmrAppointmentCase):
    def test_each_model_uses_the_shared_mechanism(self):
        uses = {
            "hms.clinic.numbered.mixin": ("hms.patient", "hms.appointment", "hms.encounter"),
            "hms.locked.mixin": ("hms.vital", "hms.encounter.diagnosis"),
            "hms.append.only.mixin": ("hms.encounter.addendum", "hms.appointment.history"),
        }
        for mixin, models in uses.items():
            for model in models:
                with self.subTest(model=model):
                    self.assertIsInstance(self.env[model], self.env.registry[mixin])

    def test_numbers_come_from_the_patients_clinic(self):
        # Started from an appointment of clinic B while the user works in clinic A, whose
        # sequence is ahead of clinic B's.
        self.open_encounter()
        self.open_encounter()
        appointment = self.env["hms.appointment"].create(
            {
                "patient_id": self.patient_b.id,
                "practitioner_id": self.practitioner_b.id,
                "company_id": self.clinic_b.id,
                "appointment_type_id": self.type_consultation.id,
                "start": at(0, 9),
            }
        )
        Encounter = self.env["hms.encounter"].with_company(self.clinic_a)
        encounter = Encounter.create({"appointment_id": appointment.id})
        sequence_b = self.env["ir.sequence"]._hms_sequence("hms.encounter", self.clinic_b)
        self.assertEqual(encounter.company_id, self.clinic_b)
        self.assertEqual(encounter.name, f"ENC{sequence_b.number_next_actual - 1:06d}")
        sequence_a = self.env["ir.sequence"]._hms_sequence("hms.encounter", self.clinic_a)
        self.assertEqual(sequence_a.number_next_actual, 3, "clinic A's two encounters only")
        self.assertRegex(appointment.name, r"\d+$")
        self.assertRegex(self.patient_b.mrn, r"\d+$")

    def test_reschedule_history_is_append_only_for_everyone(self):
        appointment = self.book(at(0, 9), user=self.receptionist)
        appointment.with_user(self.receptionist)._action_reschedule(at(0, 10), reason="Traffic")
        history = appointment.history_ids.sudo()
        self.assertEqual(history.reason, "Traffic")
        with self.assertRaisesMessage(UserError, "append-only"):
            history.write({"reason": "Rewritten"})
        with self.assertRaisesMessage(UserError, "append-only"):
            history.unlink()
        self.assertEqual(history.reason, "Traffic")

    def test_lines_are_locked_with_their_encounter(self):
        encounter = self.closed_encounter(vital_ids=[(0, 0, {"pulse": 70})])
        diagnosis, vital = encounter.diagnosis_ids.sudo(), encounter.vital_ids.sudo()
        for line, values in ((diagnosis, {"note": "x"}), (vital, {"pulse": 71})):
            with self.subTest(model=line._name):
                with self.assertRaisesMessage(UserError, "closed"):
                    line.write(values)
                with self.assertRaisesMessage(UserError, "closed"):
                    line.unlink()
        with self.assertRaisesMessage(UserError, "closed"):
            self.env["hms.vital"].create({"encounter_id": encounter.id, "pulse": 72})
        # Moving an open encounter's line onto a closed one is as locked as writing it.
        other = self.open_encounter(vital_ids=[(0, 0, {"pulse": 60})])
        with self.assertRaisesMessage(UserError, "closed"):
            other.vital_ids.sudo().write({"encounter_id": encounter.id})
        self.assertEqual(vital.pulse, 70)
