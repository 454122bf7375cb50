from freezegun import freeze_time

from odoo.tests import Form, tagged

from .common import HmsAppointmentCase, at


@tagged("post_install", "-at_install")
@freeze_time("2030-06-01 10:00:00")
class TestFreeSlots(HmsAppointmentCase):
    def slots(self, day_offset=0, kind=None):
        return self.practitioner_a._hms_free_slots(
            at(day_offset, 0), at(day_offset, 23, 59), kind or self.type_consultation
        )

    def test_slots_follow_working_hours_and_bookings(self):
        slots = self.slots()
        self.assertEqual(len(slots), 16, "8-12 and 13-17 in half hours")
        self.assertEqual(slots[0], (at(0, 8), at(0, 8, 30)))
        self.assertNotIn(at(0, 12), [start for start, _stop in slots], "lunch break")
        self.assertEqual(len(self.slots(kind=self.type_follow_up)), 32)
        self.book(at(0, 9))
        self.book(at(0, 13), patient=self.patient_c).action_cancel("No longer needed")
        starts = [start for start, _stop in self.slots()]
        self.assertEqual(len(starts), 15)
        self.assertNotIn(at(0, 9), starts)
        self.assertIn(at(0, 13), starts, "a cancelled booking frees its slot")
        self.assertEqual(self.slots(day_offset=5), [], "no work on Saturdays")

    def test_leaves_and_past_are_not_free(self):
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Afternoon off",
                "resource_id": self.practitioner_a.resource_id.id,
                "calendar_id": self.calendar_a.id,
                "date_from": at(0, 13),
                "date_to": at(0, 17),
            }
        )
        self.assertEqual(len(self.slots()), 8)
        with freeze_time("2030-06-03 10:10:00"):
            self.assertEqual(self.slots()[0][0], at(0, 10, 30), "slots keep their grid")

    def test_search_by_specialty_and_book_from_the_wizard(self):
        wizard_form = Form(self.env["hms.appointment.booking"].with_user(self.receptionist))
        wizard_form.patient_id = self.patient_a
        wizard_form.appointment_type_id = self.type_consultation
        wizard_form.specialty_id = self.specialty_gp
        wizard_form.date_from = at(0, 0).date()
        wizard_form.date_to = at(1, 0).date()
        wizard = wizard_form.save()
        wizard.action_search()
        self.assertEqual(len(wizard.slot_ids), 32, "two working days of practitioner_a")
        self.assertEqual(wizard.slot_ids.practitioner_id, self.practitioner_a)
        action = wizard.slot_ids[0].action_book()
        appointment = self.env["hms.appointment"].browse(action["res_id"])
        self.assertEqual((appointment.start, appointment.patient_id), (at(0, 8), self.patient_a))
        wizard.action_search()
        self.assertEqual(len(wizard.slot_ids), 31)
        # The same wizard moves an appointment.
        move = (
            self.env["hms.appointment.booking"]
            .with_user(self.receptionist)
            .with_context(**appointment.action_open_reschedule_wizard()["context"])
            .create({"date_from": at(1, 0).date(), "date_to": at(1, 0).date()})
        )
        move.action_search()
        move.slot_ids[-1].action_book()
        self.assertEqual(appointment.start, at(1, 16, 30))
        self.assertEqual(appointment.history_ids.old_start, at(0, 8))
