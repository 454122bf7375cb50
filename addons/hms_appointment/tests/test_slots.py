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
        self.book(at(0, 13), patient=self.patient_c)._action_cancel("No longer needed")
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

    def starts(self, start, stop, kind=None, practitioner=None):
        return [
            slot_start
            for slot_start, _stop in (practitioner or self.practitioner_a)._hms_free_slots(
                start, stop, kind or self.type_consultation
            )
        ]

    def test_adjacent_and_partly_overlapping_bookings(self):
        self.book(at(0, 10))
        self.book(at(0, 11, 15), patient=self.patient_c, kind=self.type_follow_up)
        starts = self.starts(at(0, 9), at(0, 12))
        self.assertEqual(
            starts,
            [at(0, 9), at(0, 9, 30), at(0, 10, 30), at(0, 11, 30)],
            "a booking ending or starting at a slot's edge leaves it free; "
            "a quarter of an hour inside takes the whole slot",
        )
        follow_ups = self.starts(at(0, 11), at(0, 12), kind=self.type_follow_up)
        self.assertEqual(follow_ups, [at(0, 11), at(0, 11, 30), at(0, 11, 45)])

    def test_booking_across_the_edges_of_the_searched_range(self):
        self.book(at(0, 8, 20), kind=self.type_follow_up)
        self.assertEqual(
            self.starts(at(0, 8, 30), at(0, 10))[0],
            at(0, 9),
            "a booking started before the range still takes its first slot",
        )
        self.assertEqual(self.starts(at(0, 0), at(0, 8, 30)), [], "nor the last one")
        self.assertEqual(self.starts(at(0, 8, 35), at(0, 9, 5)), [at(0, 8, 35)])

    def test_leave_boundaries(self):
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Staff meeting",
                "resource_id": self.practitioner_a.resource_id.id,
                "calendar_id": self.calendar_a.id,
                "date_from": at(0, 10),
                "date_to": at(0, 11),
            }
        )
        starts = self.starts(at(0, 9), at(0, 12))
        self.assertEqual(starts, [at(0, 9), at(0, 9, 30), at(0, 11), at(0, 11, 30)])

    def test_overbooking_holds_its_slot_and_a_moved_booking_frees_its_own(self):
        booked = self.book(at(0, 9))
        squeezed = self.book(
            at(0, 9),
            patient=self.patient_c,
            kind=self.type_emergency,
            user=self.doctor,
            is_overbooking=True,
        )
        booked._action_cancel("Called off")
        self.assertNotIn(at(0, 9), self.starts(at(0, 8), at(0, 12)), "the emergency is there")
        free = self.practitioner_a._hms_free_slots(
            at(0, 8), at(0, 12), self.type_consultation, exclude=squeezed
        )
        self.assertIn((at(0, 9), at(0, 9, 30)), free, "the booking being moved is not in its way")

    def test_slots_in_the_practitioner_time_zone(self):
        new_york = self.env["resource.calendar"].create(
            {"name": "New York hours", "company_id": self.clinic_a.id, "tz": "America/New_York"}
        )
        practitioner = self.env["hms.practitioner"].create(
            {
                "name": "Test Doctor NY",
                "company_id": self.clinic_a.id,
                "resource_calendar_id": new_york.id,
                "tz": "America/New_York",
            }
        )
        # 8:00 in New York in June is 12:00 UTC; 12:00-13:00 local (16-17 UTC) is lunch.
        self.book(at(0, 13), practitioner=practitioner)
        slots = practitioner._hms_free_slots_between_days(
            at(0, 0).date(), at(0, 0).date(), self.type_consultation
        )
        starts = [start for _practitioner, start, _stop in slots]
        self.assertEqual((len(starts), starts[0], starts[-1]), (15, at(0, 12), at(0, 20, 30)))
        self.assertNotIn(at(0, 13), starts)
        self.assertNotIn(at(0, 16), starts)
        self.assertEqual(
            self.starts(at(0, 0), at(0, 12), practitioner=practitioner),
            [],
            "before 8:00 in New York",
        )
