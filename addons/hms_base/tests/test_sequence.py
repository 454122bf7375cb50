from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import HmsCase


@tagged("post_install", "-at_install")
class TestClinicSequence(HmsCase):
    def test_each_clinic_numbers_on_its_own(self):
        self.env["ir.sequence"].create(
            {
                "name": "Test numbers",
                "code": "hms.test.number",
                "prefix": "T",
                "padding": 4,
                "company_id": False,
            }
        )
        Sequence = self.env["ir.sequence"]
        a, b = self.clinic_a, self.clinic_b
        self.assertEqual(
            Sequence._hms_next_numbers("hms.test.number", [a, a, b]), ["T0001", "T0002", "T0001"]
        )
        self.assertEqual(Sequence._hms_next_numbers("hms.test.number", [a]), ["T0003"])
        copies = Sequence.search([("code", "=", "hms.test.number")])
        self.assertEqual(len(copies), 3, "the template and one sequence per clinic")
        self.assertEqual(set(copies.company_id.ids), {self.clinic_a.id, self.clinic_b.id})

    def test_unknown_code(self):
        with self.assertRaisesMessage(UserError, "hms.no.such.code"):
            self.env["ir.sequence"]._hms_next_numbers("hms.no.such.code", [self.clinic_a])
