import xmlrpc.client

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import HmsCase, HmsCommon


@tagged("post_install", "-at_install")
class TestInput(HmsCase):
    """Values of the wrong type or size are refused, naming the field, before PostgreSQL."""

    def assertRefused(self, model, values, regex, records=None):
        Model = self.env[model].with_user(self.manager)
        count = Model.sudo().with_context(active_test=False).search_count([])
        with self.assertRaisesMessage(ValidationError, regex):
            if records is None:
                Model.create(values)
            else:
                records.with_user(self.manager).write(values)
        self.assertEqual(Model.sudo().with_context(active_test=False).search_count([]), count)

    def test_types(self):
        base = {"name": "Input Test", "resource_calendar_id": self.calendar_a.id}
        cases = [
            ({"name": 12345}, r'"Name" \(name\) of Practitioner: expected text'),
            ({"tz": "Mars/Olympus"}, r"\(tz\).*expected one of"),
            ({"active": "yes"}, r"\(active\).*true or false"),
            ({"color": "red"}, r"\(color\).*whole number"),
            ({"color": 2**40}, r"\(color\).*whole number"),
            ({"resource_calendar_id": "1"}, r"\(resource_calendar_id\).*id of a record"),
            ({"name": "x\x00y"}, r"\(name\).*NUL"),
            ({"specialty_ids": 7}, r"\(specialty_ids\).*list of commands"),
            ({"specialty_ids": [(9, 1)]}, r"\(specialty_ids\).*list of commands"),
            ({"image_1920": 42}, r"\(image_1920\).*base64"),
            ({"unknown_field": 1}, r'Practitioner has no field "unknown_field"'),
        ]
        for values, regex in cases:
            with self.subTest(values=values):
                self.assertRefused("hms.practitioner", {**base, **values}, regex)

    def test_unknown_ids_name_the_field(self):
        self.assertRefused(
            "hms.practitioner",
            {"name": "Ghost", "user_id": 987654321},
            r'"User" \(user_id\) of Practitioner: no record of .* has the id 987654321',
        )
        self.assertRefused(
            "hms.practitioner",
            {"specialty_ids": [Command.link(987654321)]},
            r"\(specialty_ids\).*987654321",
            records=self.practitioner_a,
        )
        self.assertRefused(
            "hms.practitioner",
            {"specialty_ids": [Command.set([self.specialty_gp.id, 987654322])]},
            r"\(specialty_ids\).*987654322",
            records=self.practitioner_a,
        )

    def test_indexed_text_is_limited(self):
        self.assertRefused(
            "hms.practitioner",
            {"licence_number": "L" * 600},
            r"\(licence_number\).*at most 512 characters, got 600",
            records=self.practitioner_a,
        )
        # HMS fields of other models too: the clinic code is 8 characters long at most.
        with self.assertRaisesMessage(ValidationError, r"\(hms_clinic_code\).*at most 8"):
            self.clinic_a.hms_clinic_code = "TOO-LONG-CODE"
        # Text that no index holds is not limited.
        self.practitioner_a.title = "T" * 2000
        self.assertEqual(len(self.practitioner_a.title), 2000)

    def test_valid_values_pass(self):
        practitioner = (
            self.env["hms.practitioner"]
            .with_user(self.manager)
            .create(
                {
                    "name": "Valid Input",
                    "active": True,
                    "color": 3,
                    "resource_calendar_id": self.calendar_a.id,
                    "specialty_ids": [Command.set(self.specialty_gp.ids)],
                    "user_id": False,
                }
            )
        )
        practitioner.write({"specialty_ids": [self.specialty_cardio.id], "title": "Dr."})
        self.assertEqual(practitioner.specialty_ids, self.specialty_cardio)


@tagged("post_install", "-at_install", "hms_access")
class TestInputRpc(HmsCommon, HttpCase):
    """What an integrator sees over XML-RPC: a warning fault that names the field."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_hms()

    def test_faults_name_the_field(self):
        cases = [
            ({"licence_number": "L" * 1_000_000}, r"\(licence_number\).*at most 512"),
            ({"resource_calendar_id": 987654321}, r"\(resource_calendar_id\).*987654321"),
            ({"color": "1"}, r"\(color\).*whole number"),
        ]
        for values, regex in cases:
            with self.subTest(values=list(values)), mute_logger("odoo.http"):
                with self.assertRaisesMessage(xmlrpc.client.Fault, regex) as catcher:
                    self.rpc(self.manager, "hms.practitioner", "create", {"name": "X", **values})
                self.assertEqual(catcher.exception.faultCode, 2, "a UserError, not a crash")
