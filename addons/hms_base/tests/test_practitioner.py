from datetime import datetime

from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import HmsCase


@tagged("post_install", "-at_install")
class TestPractitioner(HmsCase):
    def test_form_creates_a_resource_with_working_hours(self):
        with Form(self.env["hms.practitioner"].with_user(self.manager)) as form:
            form.name = "Grace Okafor"
            form.licence_number = "LIC-A-2"
            form.resource_calendar_id = self.calendar_a
            form.specialty_ids.add(self.specialty_cardio)
        practitioner = form.record
        self.assertEqual(practitioner.resource_id.name, "Grace Okafor")
        self.assertEqual(practitioner.resource_id.calendar_id, self.calendar_a)
        self.assertEqual(practitioner.company_id, self.clinic_a)
        self.assertEqual(practitioner.tz, "UTC", "the resource's default: the user's time zone")
        self.assertEqual(practitioner.company_ids, self.clinic_a, "main clinic is a clinic")
        self.assertEqual(
            practitioner.consultation_product_id, self.env.ref("hms_base.product_consultation")
        )

    def test_time_zone_given_is_kept(self):
        practitioner = self.env["hms.practitioner"].create(
            {"name": "Chicago", "tz": "America/Chicago", "resource_calendar_id": self.calendar_a.id}
        )
        self.assertEqual(practitioner.tz, "America/Chicago")
        self.assertEqual(practitioner.resource_id.tz, "America/Chicago")

    def test_main_clinic_must_be_one_of_the_clinics(self):
        with self.assertRaises(ValidationError):
            self.practitioner_a.company_ids = [Command.set(self.clinic_b.ids)]
        self.practitioner_a.company_ids = [Command.link(self.clinic_b.id)]
        self.assertEqual(self.practitioner_a.company_ids, self.clinic_a | self.clinic_b)

    def test_licence_unique_per_clinic(self):
        # The same licence number at another clinic is another register.
        self.env["hms.practitioner"].create(
            {"name": "Elsewhere", "licence_number": "LIC-A-1", "company_id": self.clinic_b.id}
        )
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            with self.env.cr.savepoint():
                self.env["hms.practitioner"].create(
                    {"name": "Twin", "licence_number": "LIC-A-1", "company_id": self.clinic_a.id}
                )
        self.assertEqual(
            self.env["hms.practitioner"].search_count([("licence_number", "=", "LIC-A-1")]), 2
        )

    def test_never_deleted_only_archived(self):
        with self.assertRaisesMessage(UserError, "archive"):
            self.practitioner_a.with_user(self.manager).unlink()
        self.practitioner_a.with_user(self.manager).action_archive()
        self.assertFalse(self.practitioner_a.active)
        self.assertFalse(self.practitioner_a.resource_id.active)
        self.assertTrue(self.practitioner_a.exists())

    def test_working_hours_and_leaves(self):
        # Monday 2026-03-02 to Friday 2026-03-06: five days of eight hours.
        start, end = datetime(2026, 3, 2, 0, 0), datetime(2026, 3, 6, 23, 59)
        data = self.practitioner_a._get_work_days_data_batch(start, end)[self.practitioner_a.id]
        self.assertEqual(data["hours"], 40)
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Congress",
                "resource_id": self.practitioner_a.resource_id.id,
                "calendar_id": self.calendar_a.id,
                "date_from": datetime(2026, 3, 4, 0, 0),
                "date_to": datetime(2026, 3, 4, 23, 59),
            }
        )
        data = self.practitioner_a._get_work_days_data_batch(start, end)[self.practitioner_a.id]
        self.assertEqual(data["hours"], 32)
        action = self.practitioner_a.action_open_leaves()
        self.assertEqual(self.env[action["res_model"]].search_count(action["domain"]), 1)
