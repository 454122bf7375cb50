import re
from datetime import timedelta

from freezegun import freeze_time
from lxml import etree, html
from werkzeug.urls import url_encode

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
        """The first slot a patient may book online (after the clinic's minimum notice)."""
        today = fields.Date.today()
        earliest = self.clinic_a._hms_portal_earliest_start()
        return next(
            slot
            for slot in self.practitioner_a._hms_free_slots_between_days(
                today, today + timedelta(days=21), self.type_consultation
            )
            if slot[1] >= earliest
        )

    def book_page(self, **params):
        query = {
            "patient_id": self.patient_a.id,
            "practitioner_id": self.practitioner_a.id,
            "type_id": self.type_consultation.id,
            **params,
        }
        return self.url_open(f"/my/appointments/book?{url_encode(query)}")

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
        page = self.book_page(month=start.strftime("%Y-%m"), day=start.date().isoformat())
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

    def test_previous_and_next_follow_the_list(self):
        later = self.book(at(0, 11), reason="Second own")
        self.url_open("/my/appointments")
        page = self.url_open(f"/my/appointments/{self.own.id}").text
        self.assertIn(f'href="/my/appointments/{later.id}?access_token=', page, "next")
        page = self.url_open(f"/my/appointments/{later.id}").text
        self.assertIn(f'href="/my/appointments/{self.own.id}?access_token=', page, "previous")
        self.assertNotIn(f'"/my/appointments/{self.other.id}?', page)

    def test_booking_is_for_the_user_herself_first(self):
        herself = self.env["hms.patient"].create(
            {"partner_id": self.portal_user.partner_id.id, "company_id": self.clinic_a.id}
        )
        page = html.fromstring(self.url_open("/my/appointments/book").content)
        select = page.xpath('//select[@name="patient_id"]')[0]
        self.assertEqual(select.xpath("option[@selected]/@value"), [str(herself.id)])
        self.assertEqual(
            set(select.xpath("option/@value")), {str(herself.id), str(self.patient_a.id)}
        )

    @freeze_time("2030-06-03 07:00:00")
    def test_pick_a_day_then_a_time(self):
        """A month of days, those with room as links; the times only of the chosen day."""
        page = self.book_page(month="2030-06").text
        days = set(re.findall(r"day=(2030-06-\d\d)", page))
        # Weekdays from the 3rd (today) to the end of June, minus nothing booked full.
        weekdays = {f"2030-06-{d:02d}" for d in range(3, 31) if (d - 3) % 7 < 5}
        self.assertEqual(days, weekdays)
        self.assertNotIn('name="start"', page, "no wall of times before a day is chosen")
        page = self.book_page(month="2030-06", day="2030-06-04").text
        starts = re.findall(r'name="start" value="([^"]+)"', page)
        self.assertEqual(starts[0], "2030-06-04 08:00:00")
        self.assertTrue(all(start.startswith("2030-06-04") for start in starts))
        self.assertEqual(len(starts), 16, "8 working hours of half-hour consultations")
        self.assertIn("month=2030-07", page, "the next month is reachable")
        page = self.book_page(day="2030-07-02").text
        self.assertIn('value="2030-07-02 08:00:00"', page, "a day alone opens its month")

    @freeze_time("2030-06-03 08:50:00")
    def test_minimum_booking_notice(self):
        """No slot sooner than the clinic's notice, neither offered nor accepted."""
        self.clinic_a.hms_booking_notice_hours = 3
        page = self.book_page(month="2030-06", day="2030-06-03").text
        starts = re.findall(r'name="start" value="([^"]+)"', page)
        self.assertEqual(starts[0], "2030-06-03 13:00:00", "11:00 is free but too soon")
        self.book_online(at(0, 11), "Too soon")
        self.assertFalse(self.env["hms.appointment"].search([("reason", "=", "Too soon")]))
        self.book_online(at(0, 13), "In time")
        self.assertTrue(self.env["hms.appointment"].search([("reason", "=", "In time")]))
        # Moving an appointment online follows the same notice.
        self.clinic_a.hms_cancel_notice_hours = 0
        self.post(f"/my/appointments/{self.own.id}/reschedule", start="2030-06-03 11:00:00")
        self.assertEqual(self.own.start, at(0, 9))
        self.post(f"/my/appointments/{self.own.id}/reschedule", start="2030-06-03 14:00:00")
        self.assertEqual(self.own.start, at(0, 14))

    def test_home_tiles_look_like_odoo_entries(self):
        """The HMS entries sit together, with pictograms of Odoo's own size (64 px)."""
        home = html.fromstring(self.url_open("/my/home").content)
        category = home.get_element_by_id("portal_hms_category")
        links = {a.get("href"): a for a in category.iterfind(".//a")}
        self.assertTrue({"/my/patients", "/my/appointments"} <= set(links))
        for url, link in links.items():
            with self.subTest(url=url):
                icon = self.url_open(link.find(".//img").get("src"))
                self.assertEqual(icon.status_code, 200)
                svg = etree.fromstring(icon.content)
                self.assertEqual((svg.get("width"), svg.get("height")), ("64", "64"))
