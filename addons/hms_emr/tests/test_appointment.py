from datetime import date

from freezegun import freeze_time
from psycopg2.errors import UniqueViolation

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from odoo.addons.hms_appointment.tests.common import at

from .common import HmsEmrAppointmentCase


@tagged("post_install", "-at_install")
class TestConsultationFromAppointment(HmsEmrAppointmentCase):
    def test_start_consultation_opens_the_encounter(self):
        appointment = self.checked_in(reason="Migraine")
        self.assertFalse(appointment.has_encounter)
        action = appointment.with_user(self.doctor).action_start_encounter()
        encounter = self.env["hms.encounter"].browse(action["res_id"])
        self.assertEqual(
            (action["res_model"], action["views"]), ("hms.encounter", [(False, "form")])
        )
        self.assertEqual(
            (encounter.appointment_id, encounter.patient_id, encounter.practitioner_id),
            (appointment, self.patient_a, self.practitioner_a),
        )
        self.assertEqual(
            (encounter.company_id, encounter.origin, encounter.chief_complaint),
            (self.clinic_a, "appointment", "Migraine"),
        )
        self.assertEqual(appointment.state, "in_consultation")
        self.assertTrue(appointment.called_date)
        self.assertTrue(appointment.with_user(self.receptionist).has_encounter)
        self.assertEqual(
            appointment.with_user(self.nurse).action_hms_open_encounter()["res_id"], encounter.id
        )

    def test_start_consultation_after_call_in(self):
        appointment = self.checked_in()
        appointment.with_user(self.doctor).action_start_consultation()  # "Call In"
        encounter = self.start_consultation(appointment)
        self.assertEqual(encounter.appointment_id, appointment)
        self.assertEqual(appointment.state, "in_consultation")
        with self.assertRaisesMessage(UserError, "cannot be called in"):
            appointment.with_user(self.doctor).action_start_encounter()
        self.assertEqual(appointment.encounter_ids, encounter, "one encounter per appointment")

    def test_start_consultation_refused(self):
        confirmed = self.book(at(0, 10))
        with self.assertRaisesMessage(UserError, "cannot be called in"):
            confirmed.with_user(self.doctor).action_start_encounter()
        appointment = self.checked_in()
        with mute_logger("odoo.addons.base.models.ir_rule"):
            for user in (self.receptionist, self.nurse):
                with self.subTest(user=user.login), self.assertRaises(AccessError):
                    appointment.with_user(user).action_start_encounter()
            colleague = self._hms_user(
                "hms_test_doctor_a2", "hms_base.group_hms_doctor", self.clinic_a
            )
            with self.assertRaises(AccessError):
                appointment.with_user(colleague).action_start_encounter()
        self.assertEqual(appointment.state, "checked_in", "nothing half-done")
        self.assertFalse(
            self.env["hms.encounter"].search([("appointment_id", "=", appointment.id)])
        )

    def test_the_appointment_decides_patient_and_practitioner(self):
        appointment = self.checked_in()
        Encounter = self.env["hms.encounter"]
        with self.assertRaisesMessage(ValidationError, "appointment's"):
            Encounter.create({"appointment_id": appointment.id, "patient_id": self.patient_c.id})
        encounter = Encounter.create({"appointment_id": appointment.id})
        with mute_logger("odoo.sql_db"), self.assertRaises(UniqueViolation):
            Encounter.create({"appointment_id": appointment.id})
        self.assertEqual(encounter.patient_id, self.patient_a)

    def test_closing_completes_the_appointment(self):
        appointment = self.checked_in()
        encounter = self.start_consultation(appointment)
        encounter.diagnosis_ids = [
            (0, 0, {"icd10_id": self.icd_uri.id, "diagnosis_role": "primary"})
        ]
        with self.assertRaisesMessage(UserError, "cannot be checked in"):
            appointment.action_check_in()  # still in consultation
        encounter.with_user(self.doctor).action_close()
        self.assertEqual(appointment.state, "done")
        walk_in = self.closed_encounter()
        self.assertEqual((walk_in.origin, walk_in.appointment_id.id), ("walk_in", False))

    @freeze_time("2030-06-03 09:00:00")
    def test_book_follow_up(self):
        encounter = self.start_consultation(self.checked_in(at(0, 9, 30)))
        with Form(encounter.with_user(self.doctor)) as form:
            form.follow_up_date = date(2030, 6, 12)
        action = encounter.with_user(self.doctor).action_book_follow_up()
        booking = self.env["hms.appointment.booking"].browse(action["res_id"])
        self.assertEqual(
            (booking.patient_id, booking.practitioner_id, booking.appointment_type_id),
            (self.patient_a, self.practitioner_a, self.type_follow_up),
        )
        self.assertEqual(
            (booking.date_from, booking.date_to), (date(2030, 6, 10), date(2030, 6, 14))
        )
        self.assertTrue(booking.slot_ids)
        self.assertTrue(
            all(date(2030, 6, 10) <= s.start.date() <= date(2030, 6, 14) for s in booking.slot_ids)
        )
        booked = self.env["hms.appointment"].browse(booking.slot_ids[0].action_book()["res_id"])
        self.assertEqual(
            (booked.patient_id, booked.practitioner_id, booked.appointment_type_id, booked.state),
            (self.patient_a, self.practitioner_a, self.type_follow_up, "confirmed"),
        )
        self.assertIn(encounter.name, booked.reason)

    @freeze_time("2030-06-03 09:00:00")
    def test_follow_up_never_searches_the_past(self):
        encounter = self.open_encounter(follow_up_date="2030-05-01")
        booking = self.env["hms.appointment.booking"].browse(
            encounter.action_book_follow_up()["res_id"]
        )
        self.assertEqual((booking.date_from, booking.date_to), (date(2030, 6, 3), date(2030, 6, 5)))
