import xmlrpc.client

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import HmsAppointmentCase, HmsAppointmentCommon, at


@tagged("post_install", "-at_install", "hms_access")
@freeze_time("2030-06-01 10:00:00")
class TestAppointmentAccess(HmsAppointmentCase):
    def test_desk_roles_book_and_check_in_for_their_clinic(self):
        for role in ("receptionist", "nurse"):
            with self.subTest(role=role):
                user = self.users[role]
                appointment = self.book(at(0, 9), user=user)
                appointment.with_user(user).action_check_in()
                self.assertEqual(appointment.state, "checked_in")
                appointment.with_user(user).triage_priority = "orange"
                appointment.state = "cancelled"
        other_clinic = self.book(at(0, 9), patient=self.patient_b, practitioner=self.practitioner_b)
        with mute_logger("odoo.addons.base.models.ir_rule"), self.assertRaises(AccessError):
            other_clinic.with_user(self.receptionist).read(["name"])
        self.assertFalse(
            self.env["hms.appointment"]
            .with_user(self.receptionist)
            .search([("id", "=", other_clinic.id)])
        )

    def test_doctor_sees_schedule_and_queue_not_other_clinics(self):
        mine = self.book(at(0, 9))
        other_clinic = self.book(at(0, 9), patient=self.patient_b, practitioner=self.practitioner_b)
        seen = (
            self.env["hms.appointment"]
            .with_user(self.doctor)
            .search([("practitioner_id.user_id", "=", self.doctor.id)])
        )
        self.assertEqual(seen, mine)
        with mute_logger("odoo.addons.base.models.ir_rule"), self.assertRaises(AccessError):
            other_clinic.with_user(self.doctor).read(["name"])

    def test_doctors_see_their_clinic_schedule_and_nothing_of_another_clinic(self):
        colleague = self.env["hms.practitioner"].create(
            {
                "name": "Test Colleague A",
                "company_id": self.clinic_a.id,
                "resource_calendar_id": self.calendar_a.id,
                "tz": "UTC",
            }
        )
        clinic_a = self.book(at(0, 9)) | self.book(
            at(0, 9), patient=self.patient_c, practitioner=colleague
        )
        clinic_b = self.book(at(0, 9), patient=self.patient_b, practitioner=self.practitioner_b)
        # Front-desk work: a doctor sees the whole schedule of their clinic, colleagues' too.
        Appointment = self.env["hms.appointment"]
        self.assertEqual(Appointment.with_user(self.doctor).search([]), clinic_a)
        self.assertEqual(Appointment.with_user(self.doctor_b).search([]), clinic_b)
        for appointment in clinic_a:
            with (
                self.subTest(appointment=appointment.name),
                mute_logger("odoo.addons.base.models.ir_rule"),
                self.assertRaises(AccessError),
            ):
                appointment.with_user(self.doctor_b).read(["start", "patient_id"])
        self.assertFalse(
            Appointment.with_user(self.doctor_b).search_count(
                [("company_id", "=", self.clinic_a.id)]
            )
        )

    def test_roles_without_appointments(self):
        appointment = self.book(at(0, 9))
        with mute_logger("odoo.addons.base.models.ir_model"):
            for role in ("pharmacist", "lab_technician"):
                with self.subTest(role=role), self.assertRaises(AccessError):
                    appointment.with_user(self.users[role]).read(["name"])
            for role in ("billing_clerk", "auditor"):
                with self.subTest(role=role):
                    self.assertEqual(
                        appointment.with_user(self.users[role]).read(["name"])[0]["name"],
                        appointment.name,
                    )
                    with self.assertRaises(AccessError):
                        appointment.with_user(self.users[role]).write({"reason": "Forged"})
        self.assertFalse(appointment.reason)

    def test_portal_user_reads_only_their_own_and_dependants(self):
        own = self.book(at(0, 9))
        other = self.book(at(0, 10), patient=self.patient_c)
        Appointment = self.env["hms.appointment"].with_user(self.portal_user)
        self.assertEqual(Appointment.search([]), own)
        self.assertEqual(own.with_user(self.portal_user).read(["name"])[0]["name"], own.name)
        with mute_logger("odoo.addons.base.models.ir_rule", "odoo.addons.base.models.ir_model"):
            with self.assertRaises(AccessError):
                other.with_user(self.portal_user).read(["name"])
            with self.assertRaises(AccessError):
                own.with_user(self.portal_user).write({"start": at(0, 11)})
            with self.assertRaises(AccessError):
                Appointment.create(
                    {
                        "patient_id": self.patient_a.id,
                        "practitioner_id": self.practitioner_a.id,
                        "start": at(0, 11),
                    }
                )
        self.assertEqual(own.start, at(0, 9))

    def test_reschedule_history_stays_in_its_clinic(self):
        own = self.book(at(0, 9))
        own._action_reschedule(at(0, 10))
        other = self.env["hms.appointment"].create(
            {
                "patient_id": self.patient_b.id,
                "practitioner_id": self.practitioner_b.id,
                "company_id": self.clinic_b.id,
                "appointment_type_id": self.type_consultation.id,
                "start": at(0, 9),
            }
        )
        other._action_reschedule(at(0, 11))
        History = self.env["hms.appointment.history"].with_user(self.receptionist)
        both = (own | other).history_ids
        self.assertEqual(History.search([("id", "in", both.ids)]), own.history_ids)
        with mute_logger("odoo.addons.base.models.ir_rule"), self.assertRaises(AccessError):
            other.history_ids.with_user(self.receptionist).read(["old_start"])

    def test_only_managers_configure_types(self):
        kind = (
            self.env["hms.appointment.type"]
            .with_user(self.manager)
            .create({"name": "Vaccination", "duration": 0.25})
        )
        self.assertEqual(kind.with_user(self.receptionist).name, "Vaccination")
        with mute_logger("odoo.addons.base.models.ir_model"), self.assertRaises(AccessError):
            kind.with_user(self.receptionist).write({"duration": 2})
        self.assertEqual(kind.duration, 0.25)

    def test_clinic_settings(self):
        settings = (
            self.env["res.config.settings"]
            .with_user(self.manager)
            .create(
                {
                    "hms_portal_validation": True,
                    "hms_reminder_hours": 12,
                    "hms_cancel_notice_hours": 6,
                }
            )
        )
        settings.execute()
        self.assertTrue(self.clinic_a.hms_portal_validation)
        self.assertEqual(
            (self.clinic_a.hms_reminder_hours, self.clinic_a.hms_cancel_notice_hours), (12, 6)
        )
        self.assertIn("/hms/queue/", settings.hms_queue_display_url)


@tagged("post_install", "-at_install", "hms_access")
class TestAppointmentAccessRpc(HmsAppointmentCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_hms()
        with freeze_time("2030-06-01 10:00:00"):
            cls.own = cls.book(at(0, 9))
            cls.other = cls.book(at(0, 10), patient=cls.patient_c)

    def test_portal_rpc_reads_own_only(self):
        rows = self.rpc(self.portal_user, "hms.appointment", "search_read", [], fields=["name"])
        self.assertEqual([row["id"] for row in rows], self.own.ids)
        with mute_logger("odoo.http", "odoo.addons.base.models.ir_rule"):
            with self.assertRaisesMessage(xmlrpc.client.Fault, "access"):
                self.rpc(self.portal_user, "hms.appointment", "read", self.other.ids, ["name"])
            with self.assertRaisesMessage(xmlrpc.client.Fault, "access"):
                self.rpc(
                    self.portal_user,
                    "hms.appointment",
                    "write",
                    self.own.ids,
                    {"state": "cancelled"},
                )
        self.assertEqual(self.own.state, "confirmed")

    def test_rpc_double_booking_gives_a_clear_error(self):
        with (
            mute_logger("odoo.http", "odoo.sql_db"),
            self.assertRaisesMessage(xmlrpc.client.Fault, "already has"),
        ):
            self.rpc(
                self.receptionist,
                "hms.appointment",
                "write",
                self.other.ids,
                {"start": self.own.start.isoformat(" "), "stop": self.own.stop.isoformat(" ")},
            )
        self.assertEqual(self.other.start, at(0, 10))
