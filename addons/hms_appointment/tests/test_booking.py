from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import HmsAppointmentCase, at


@tagged("post_install", "-at_install")
@freeze_time("2030-06-01 10:00:00")
class TestBooking(HmsAppointmentCase):
    def test_book_and_walk_through_the_statuses(self):
        appointment = self.book(at(0, 9), user=self.receptionist, reason="Headache")
        self.assertEqual(appointment.state, "confirmed")
        self.assertEqual(appointment.stop, at(0, 9, 30), "the type's duration gives the end")
        self.assertRegex(appointment.name, r"^APT/\d{6}$")
        self.assertEqual(appointment.start_local, "2030-06-03 09:00")
        with freeze_time("2030-06-03 08:50:00"):
            appointment.with_user(self.receptionist).action_check_in()
        self.assertEqual(appointment.state, "checked_in")
        self.assertEqual(appointment.triage_priority, "green", "the type's default triage")
        with freeze_time("2030-06-03 09:05:00"):
            appointment.with_user(self.doctor).action_start_consultation()
        self.assertEqual(appointment.state, "in_consultation")
        self.assertEqual(appointment.waited_minutes, 15.0)
        appointment.with_user(self.doctor).action_done()
        self.assertEqual(appointment.state, "done")

    def test_book_a_practitioner_whose_resource_is_in_another_clinic(self):
        # practitioner_b's contract (and resource) is clinic B's; they also work at clinic A,
        # whose receptionist cannot read clinic B's resources.
        self.practitioner_b.write(
            {"company_ids": [(4, self.clinic_a.id)], "resource_calendar_id": self.calendar_a.id}
        )
        self.env.invalidate_all()
        appointment = self.book(at(0, 9), practitioner=self.practitioner_b, user=self.receptionist)
        self.assertEqual(appointment.practitioner_id, self.practitioner_b)
        self.assertEqual(appointment.state, "confirmed")

    def test_reschedule_keeps_the_history(self):
        appointment = self.book(at(0, 9))
        appointment.action_reschedule(at(1, 14), reason="Patient at work")
        self.assertEqual((appointment.start, appointment.stop), (at(1, 14), at(1, 14, 30)))
        self.assertEqual(len(appointment.history_ids), 1)
        history = appointment.history_ids
        self.assertEqual((history.old_start, history.new_start), (at(0, 9), at(1, 14)))
        self.assertEqual(history.reason, "Patient at work")
        # The old slot is free again, the new one is taken.
        self.assertTrue(self.book(at(0, 9), patient=self.patient_c))
        with self.assertDoubleBooking():
            self.book(at(1, 14), patient=self.patient_c)

    def test_cancel_with_reason_frees_the_slot(self):
        appointment = self.book(at(0, 9))
        with self.assertRaisesRegex(UserError, "why"):
            appointment.action_cancel("  ")
        self.assertEqual(appointment.state, "confirmed")
        appointment.action_cancel("Feeling better")
        self.assertEqual(appointment.state, "cancelled")
        self.assertEqual(appointment.cancel_reason, "Feeling better")
        self.assertEqual(self.book(at(0, 9), patient=self.patient_c).state, "confirmed")

    def test_cancelling_a_done_appointment_is_refused(self):
        appointment = self.book(at(0, 9))
        appointment.write({"state": "done"})
        with self.assertRaisesRegex(UserError, "Done: it cannot be cancelled"):
            appointment.action_cancel("Too late")
        self.assertEqual(appointment.state, "done")
        self.assertFalse(appointment.cancel_reason)
        with self.assertRaises(UserError):
            appointment.action_reschedule(at(1, 9))
        self.assertEqual(appointment.start, at(0, 9))

    def test_bad_bookings_are_refused_and_nothing_is_saved(self):
        self.book(at(0, 9))
        leave_start, leave_stop = at(2, 0), at(2, 23, 59)
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Congress",
                "resource_id": self.practitioner_a.resource_id.id,
                "calendar_id": self.calendar_a.id,
                "date_from": leave_start,
                "date_to": leave_stop,
            }
        )
        count = self.env["hms.appointment"].search_count([])
        cases = [
            ("outside", {"start": at(0, 7)}, "outside .* working hours"),
            ("lunch", {"start": at(0, 12)}, "outside .* working hours"),
            ("weekend", {"start": at(5, 9)}, "outside .* working hours"),
            ("leave", {"start": at(2, 9)}, "on leave"),
            ("past", {"start": at(-3, 9)}, "in the past"),
        ]
        for label, values, message in cases:
            with self.subTest(label), self.assertRaisesRegex(ValidationError, message):
                self.book(values.pop("start"), **values)
        with self.assertDoubleBooking():
            self.book(at(0, 9, 15), patient=self.patient_c)
        self.patient_c.active = False
        with self.assertRaisesRegex(ValidationError, "archived"):
            self.book(at(0, 10), patient=self.patient_c)
        self.patient_c.active = True
        self.practitioner_a.active = False
        with self.assertRaisesRegex(ValidationError, "archived"):
            self.book(at(0, 10))
        self.practitioner_a.active = True
        with self.assertRaisesRegex(ValidationError, "does not work at"):
            self.book(at(0, 10), practitioner=self.practitioner_b)
        self.assertEqual(self.env["hms.appointment"].search_count([]), count)

    def test_adjacent_slots_are_not_overlaps(self):
        first = self.book(at(0, 9))
        second = self.book(at(0, 9, 30), patient=self.patient_c)
        self.assertEqual(first.stop, second.start)

    def test_emergency_overbooking_needs_the_right_and_is_recorded(self):
        self.book(at(0, 9))
        with mute_logger("odoo.addons.base.models.ir_model"), self.assertRaises(AccessError):
            self.book(
                at(0, 9),
                patient=self.patient_c,
                kind=self.type_emergency,
                user=self.nurse,
                is_overbooking=True,
            )
        with self.assertRaisesRegex(ValidationError, "Only emergencies"):
            self.book(at(0, 9), patient=self.patient_c, user=self.doctor, is_overbooking=True)
        squeezed = self.book(
            at(0, 9),
            patient=self.patient_c,
            kind=self.type_emergency,
            user=self.doctor,
            is_overbooking=True,
        )
        self.assertEqual(squeezed.overbooked_by_id, self.doctor)
        self.assertTrue(squeezed.overbooked_date)
        self.assertFalse(self.nurse.has_group("hms_appointment.group_hms_appointment_overbook"))
        self.assertTrue(self.manager.has_group("hms_appointment.group_hms_appointment_overbook"))
        # Without the override, even an emergency respects the schedule.
        with self.assertDoubleBooking():
            self.book(at(0, 9), patient=self.patient_c, kind=self.type_emergency)

    def test_no_show_frees_the_slot(self):
        appointment = self.book(at(0, 9))
        appointment.action_no_show()
        self.assertEqual(appointment.no_show_rate, 100.0)
        self.assertTrue(self.book(at(0, 9), patient=self.patient_c))
