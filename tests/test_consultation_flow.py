"""The consultation flow across the suite: booking, check-in, encounter, closing, follow-up,
and who may read the record on the way (care team, break the glass)."""

from datetime import date, datetime

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from odoo.addons.hms_appointment.tests.common import at
from odoo.addons.hms_emr.tests.common import HmsEmrAppointmentCase

SECRET = "Discloses alcohol dependence; partner unaware."
REASON = "Unconscious patient in the emergency room, no treating doctor on site"


@tagged("post_install", "-at_install")
class TestConsultationFlow(HmsEmrAppointmentCase):
    @freeze_time("2030-06-03 08:00:00")
    def test_book_to_follow_up(self):
        # The desk finds a free slot and books it.
        booking = Form(self.env["hms.appointment.booking"].with_user(self.receptionist))
        booking.patient_id = self.patient_a
        booking.appointment_type_id = self.type_consultation
        booking.practitioner_id = self.practitioner_a
        booking.reason = "Tired and thirsty"
        wizard = booking.save()
        wizard.action_search()
        appointment = self.env["hms.appointment"].browse(wizard.slot_ids[0].action_book()["res_id"])
        self.assertEqual((appointment.state, appointment.start), ("confirmed", at(0, 8)))
        appointment.with_user(self.receptionist).action_check_in()

        # The doctor starts the consultation; the nurse takes the vitals.
        action = appointment.with_user(self.doctor).action_start_encounter()
        encounter = self.env["hms.encounter"].with_user(self.doctor).browse(action["res_id"])
        self.assertEqual(appointment.state, "in_consultation")
        self.env["hms.vital"].with_user(self.nurse).create(
            {"encounter_id": encounter.id, "blood_glucose": 240, "weight": 80, "height": 170}
        )
        with Form(encounter) as form:
            form.assessment = "New type 2 diabetes."
            form.follow_up_date = date(2030, 6, 12)
            with form.diagnosis_ids.new() as diagnosis:
                diagnosis.icd10_id = self.icd_diabetes
                diagnosis.diagnosis_role = "primary"
                diagnosis.is_chronic = True
        self.assertTrue(encounter.vital_ids.is_abnormal)

        # Closing completes the appointment and records the condition.
        encounter.action_close()
        self.assertEqual((encounter.state, appointment.state), ("closed", "done"))
        condition = self.env["hms.patient.condition"].search(
            [("patient_id", "=", self.patient_a.id)]
        )
        self.assertEqual((condition.code, condition.status), ("E11.9", "active"))
        encounter.invalidate_recordset()
        self.assertIn("E11.9", encounter.patient_condition_banner)

        # One click books the follow-up with the same doctor.
        follow_up = self.env["hms.appointment.booking"].browse(
            encounter.action_book_follow_up()["res_id"]
        )
        booked = self.env["hms.appointment"].browse(follow_up.slot_ids[0].action_book()["res_id"])
        self.assertEqual(
            (booked.patient_id, booked.practitioner_id, booked.appointment_type_id),
            (self.patient_a, self.practitioner_a, self.type_follow_up),
        )
        self.assertEqual(booked.start.date(), date(2030, 6, 10))

    @freeze_time("2030-06-03 10:00:00")
    def test_break_the_glass_opens_the_record_until_it_expires(self):
        encounter = self.open_encounter(confidential_note=SECRET)
        colleague = self._hms_user("hms_test_doctor_a2", "hms_base.group_hms_doctor", self.clinic_a)
        as_colleague = encounter.with_user(colleague)

        def assertRefused():
            encounter.invalidate_recordset()
            self.assertNotIn("alcohol", as_colleague.confidential_note)
            with mute_logger("odoo.addons.base.models.ir_rule"), self.assertRaises(AccessError):
                as_colleague.write({"plan": "Emergency treatment"})

        assertRefused()
        wizard = Form(self.env["hms.break.glass.wizard"].with_user(colleague))
        wizard.patient_id = self.patient_a
        wizard.reason = REASON
        wizard.duration_hours = 4
        wizard.save().action_confirm()
        encounter.invalidate_recordset()
        self.assertEqual(as_colleague.confidential_note, SECRET)
        as_colleague.write({"plan": "Emergency treatment"})
        self.assertEqual(encounter.plan, "Emergency treatment")
        with freeze_time(datetime(2030, 6, 3, 14, 0, 1)):
            assertRefused()
