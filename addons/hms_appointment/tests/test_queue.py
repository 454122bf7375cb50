from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged

from .common import HmsAppointmentCase, HmsAppointmentCommon, at


@tagged("post_install", "-at_install")
@freeze_time("2030-06-03 07:30:00")
class TestQueue(HmsAppointmentCase):
    def test_tickets_triage_order_and_call_next(self):
        routine = self.book(at(0, 9))
        follow_up = self.book(at(0, 9, 30), patient=self.patient_c, kind=self.type_follow_up)
        late = self.book(at(0, 10), patient=self.patient_c)
        with freeze_time("2030-06-03 08:00:00"):
            routine.with_user(self.receptionist).action_check_in()
        with freeze_time("2030-06-03 08:10:00"):
            follow_up.with_user(self.receptionist).action_check_in()
        with freeze_time("2030-06-03 08:20:00"):
            late.with_user(self.receptionist).action_check_in()
            self.assertEqual(routine.waiting_minutes, 20)
        self.assertEqual(
            [routine.queue_ticket, follow_up.queue_ticket, late.queue_ticket], [1, 2, 3]
        )
        self.assertEqual(routine.queue_ticket_display, "TCA-001")
        self.assertEqual(follow_up.triage_priority, "orange")
        # The nurse triages the last arrival as an emergency: it goes first.
        late.with_user(self.nurse).triage_priority = "red"
        Appointment = self.env["hms.appointment"].with_user(self.doctor)
        with freeze_time("2030-06-03 08:30:00"):
            action = Appointment.action_call_next()
        self.assertEqual(action["res_id"], late.id)
        self.assertEqual(late.state, "in_consultation")
        self.assertEqual(late.waiting_minutes, 10)
        self.assertEqual(Appointment.action_call_next()["res_id"], follow_up.id)
        self.assertEqual(Appointment.action_call_next()["res_id"], routine.id)
        with self.assertRaisesMessage(UserError, "Nobody is waiting"):
            Appointment.action_call_next()
        with self.assertRaisesMessage(UserError, "Only a practitioner"):
            self.env["hms.appointment"].with_user(self.nurse).action_call_next()

    def test_tickets_restart_every_day_per_clinic(self):
        first = self.book(at(0, 9))
        first.action_check_in()
        other_clinic = self.book(at(0, 9), patient=self.patient_b, practitioner=self.practitioner_b)
        other_clinic.action_check_in()
        self.assertEqual((first.queue_ticket, other_clinic.queue_ticket), (1, 1))
        next_day = self.book(at(1, 9), patient=self.patient_c)
        with freeze_time("2030-06-04 08:00:00"):
            next_day.action_check_in()
        self.assertEqual(next_day.queue_ticket, 1)
        self.assertNotEqual(first.queue_date, next_day.queue_date)

    def test_check_in_only_once(self):
        appointment = self.book(at(0, 9))
        appointment.action_check_in()
        with self.assertRaises(UserError):
            appointment.action_check_in()
        self.assertEqual(appointment.queue_ticket, 1)


@tagged("post_install", "-at_install")
class TestWaitingRoomDisplay(HmsAppointmentCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_hms()

    def test_display_shows_tickets_but_no_names(self):
        with freeze_time("2030-06-01 10:00:00"):
            appointment = self.book(at(0, 9))
        with freeze_time("2030-06-03 08:00:00"):
            appointment.action_check_in()
        url = self.clinic_a._hms_queue_display_url()
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        self.assertIn("TCA-001", response.text)
        self.assertIn('http-equiv="refresh"', response.text)
        for name in (self.patient_a.name, "Alice", self.practitioner_a.name):
            self.assertNotIn(name, response.text)
        self.assertEqual(self.url_open("/hms/queue/not-the-token").status_code, 404)
