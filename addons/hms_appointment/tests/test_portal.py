from datetime import timedelta

from odoo import fields, http
from odoo.tests import HttpCase, tagged

from odoo.addons.hms_base.tests.common import hms_password

from .common import HmsAppointmentCommon, at


@tagged("post_install", "-at_install", "hms_access")
class TestPortal(HmsAppointmentCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_hms()
        cls.own = cls.book(at(0, 9), reason="Check my ears")
        cls.other = cls.book(at(0, 10), patient=cls.patient_c, reason="Secret reason")

    def setUp(self):
        super().setUp()
        self.authenticate(self.portal_user.login, hms_password(self.portal_user))

    def post(self, url, **data):
        return self.url_open(url, data={**data, "csrf_token": http.Request.csrf_token(self)})

    def book_online(self, start, reason):
        """Confirm a booking of patient A with practitioner A through the portal form."""
        return self.post(
            "/my/appointments/book/confirm",
            patient_id=self.patient_a.id,
            practitioner_id=self.practitioner_a.id,
            type_id=self.type_consultation.id,
            start=fields.Datetime.to_string(start),
            reason=reason,
        )

    def first_free_slot(self):
        today = fields.Date.today()
        return self.practitioner_a._hms_free_slots_between_days(
            today, today + timedelta(days=14), self.type_consultation
        )[0]

    def test_list_and_detail_of_own_appointments_only(self):
        response = self.url_open("/my/appointments")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.own.name, response.text)
        self.assertNotIn(self.other.name, response.text)
        response = self.url_open(f"/my/appointments/{self.own.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Check my ears", response.text)
        response = self.url_open(f"/my/appointments/{self.other.id}")
        self.assertNotIn("Secret reason", response.text)
        self.assertFalse(response.url.endswith(f"/my/appointments/{self.other.id}"))

    def test_book_a_real_free_slot(self):
        _practitioner, start, _stop = self.first_free_slot()
        page = self.url_open(
            f"/my/appointments/book?patient_id={self.patient_a.id}"
            f"&practitioner_id={self.practitioner_a.id}&type_id={self.type_consultation.id}"
        )
        self.assertEqual(page.status_code, 200)
        self.assertIn(fields.Datetime.to_string(start), page.text, "the real free slots")
        self.book_online(start, "Booked online")
        booked = self.env["hms.appointment"].search([("reason", "=", "Booked online")])
        self.assertEqual(len(booked), 1)
        self.assertEqual(
            (booked.source, booked.state, booked.start), ("portal", "confirmed", start)
        )
        # The same slot cannot be booked twice, and another patient's id is refused.
        self.book_online(start, "Booked online")
        self.post(
            "/my/appointments/book/confirm",
            patient_id=self.patient_c.id,
            practitioner_id=self.practitioner_a.id,
            type_id=self.type_consultation.id,
            start=fields.Datetime.to_string(start + timedelta(days=1)),
            reason="Forged patient",
        )
        self.assertEqual(
            self.env["hms.appointment"].search_count(
                [("reason", "in", ("Booked online", "Forged patient"))]
            ),
            1,
        )

    def test_booking_waits_for_validation_when_the_clinic_asks(self):
        self.clinic_a.hms_portal_validation = True
        _practitioner, start, _stop = self.first_free_slot()
        self.book_online(start, "Please validate")
        booked = self.env["hms.appointment"].search([("reason", "=", "Please validate")])
        self.assertEqual(booked.state, "requested")

    def test_cancel_and_reschedule_within_the_notice(self):
        self.post(f"/my/appointments/{self.other.id}/cancel", reason="Forged")
        self.assertEqual(self.other.state, "confirmed", "another patient's booking is untouched")
        self.post(f"/my/appointments/{self.own.id}/reschedule", start="2030-06-04 14:00:00")
        self.assertEqual(self.own.start, at(1, 14))
        self.assertEqual(self.own.history_ids.old_start, at(0, 9))
        self.clinic_a.hms_cancel_notice_hours = 24 * 365 * 20
        response = self.post(f"/my/appointments/{self.own.id}/cancel", reason="Too late")
        self.assertIn("too late", response.text)
        self.assertEqual(self.own.state, "confirmed")
        self.clinic_a.hms_cancel_notice_hours = 24
        self.post(f"/my/appointments/{self.own.id}/cancel", reason="Travelling")
        self.assertEqual((self.own.state, self.own.cancel_reason), ("cancelled", "Travelling"))
