from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import HmsAppointmentCase, at


@tagged("post_install", "-at_install")
@freeze_time("2030-06-01 10:00:00")
class TestAppointmentReport(HmsAppointmentCase):
    """No-show rate, waiting times and patients seen live in the appointment analysis (an SQL
    view), not on the appointment."""

    def walk(self, appointment, arrival, call=None, done=False):
        with freeze_time(arrival):
            appointment.action_check_in()
        if call:
            with freeze_time(call):
                appointment.action_start_consultation()
        if done:
            appointment.action_done()

    def kpis(self, user, domain=()):
        Report = self.env["hms.appointment.report"].with_user(user)
        Report.env.flush_all()
        [row] = Report.read_group(
            list(domain),
            ["seen_count:sum", "no_show_count:sum", "no_show_rate:avg", "waiting_minutes:avg"],
            [],
        )
        return {
            key: row[key]
            for key in ("__count", "seen_count", "no_show_count", "no_show_rate", "waiting_minutes")
        }

    def test_kpis_of_the_clinic(self):
        seen = self.book(at(0, 9))
        seen_later = self.book(at(0, 9, 30), patient=self.patient_c)
        waiting = self.book(at(0, 10), patient=self.patient_c)
        absent = self.book(at(0, 11))
        self.book(at(0, 14))  # upcoming: not due yet
        cancelled = self.book(at(0, 15))
        cancelled._action_cancel("Feeling better")
        self.walk(seen, "2030-06-03 08:50:00", "2030-06-03 09:05:00", done=True)
        self.walk(seen_later, "2030-06-03 09:10:00", "2030-06-03 09:40:00")
        self.walk(waiting, "2030-06-03 09:50:00")
        absent.action_no_show()
        self.assertEqual(
            self.kpis(self.receptionist, [("company_id", "=", self.clinic_a.id)]),
            {
                "__count": 6,
                "seen_count": 2,
                "no_show_count": 1,
                # One no-show among the four appointments that were due.
                "no_show_rate": 25.0,
                # Waits of those called in: 15 and 30 minutes.
                "waiting_minutes": 22.5,
            },
        )
        by_state = self.env["hms.appointment.report"].read_group(
            [("company_id", "=", self.clinic_a.id)], ["waiting_minutes:avg"], ["state"]
        )
        waits = {group["state"]: group["waiting_minutes"] for group in by_state}
        self.assertEqual(waits["done"], 15.0)
        self.assertEqual(waits["in_consultation"], 30.0)
        self.assertFalse(waits["checked_in"], "nobody called in yet: no waiting time")

    def test_statistics_are_not_stored_on_the_appointment(self):
        fields = self.env["hms.appointment"]._fields
        stored = {name for name, field in fields.items() if field.store}
        self.assertFalse(stored & {"no_show_rate", "waited_minutes", "waiting_minutes"})
        self.assertFalse(self.env["hms.appointment.report"]._auto, "an SQL view")
        for view in ("pivot", "graph"):
            arch = self.env["hms.appointment.report"].get_view(view_type=view)["arch"]
            self.assertIn("practitioner_id", arch)
        action = self.env.ref("hms_appointment.hms_appointment_analysis_menu").action
        self.assertEqual(action.res_model, "hms.appointment.report")

    def test_access_by_role_and_clinic(self):
        self.book(at(0, 9))
        self.book(at(0, 9), patient=self.patient_b, practitioner=self.practitioner_b)
        for role in ("receptionist", "nurse", "doctor", "auditor", "manager"):
            with self.subTest(role=role):
                user = self.users[role]
                rows = self.env["hms.appointment.report"].with_user(user).search([])
                self.assertEqual(rows.company_id, self.clinic_a, "the user's clinics only")
        for role in ("pharmacist", "lab_technician", "billing_clerk"):
            with (
                self.subTest(role=role),
                mute_logger("odoo.models"),
                self.assertRaises(AccessError),
            ):
                self.env["hms.appointment.report"].with_user(self.users[role]).search([])
