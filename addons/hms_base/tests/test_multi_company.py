from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import HmsCase


@tagged("post_install", "-at_install", "hms_access")
class TestMultiCompany(HmsCase):
    def test_staff_see_only_their_clinics(self):
        Practitioner = self.env["hms.practitioner"].with_user(self.receptionist)
        visible = Practitioner.search(
            [("id", "in", (self.practitioner_a | self.practitioner_b).ids)]
        )
        self.assertEqual(visible, self.practitioner_a)
        with mute_logger("odoo.addons.base.models.ir_rule"), self.assertRaises(AccessError):
            self.practitioner_b.with_user(self.receptionist).read(["name"])

    def test_practitioner_at_several_clinics(self):
        # Seen from clinic A (doctor B's own clinic would see them anyway).
        Practitioner = self.env["hms.practitioner"].with_user(self.receptionist)
        cardiology = self.specialty_cardio.with_user(self.doctor)
        self.assertNotIn(self.practitioner_b, Practitioner.search([]))
        self.assertNotIn(self.practitioner_b, cardiology.practitioner_ids)
        self.practitioner_b.company_ids |= self.clinic_a
        self.env.invalidate_all()
        self.assertIn(self.practitioner_b, Practitioner.search([]))
        self.assertIn(self.practitioner_b, cardiology.practitioner_ids)

    def test_departments(self):
        Department = self.env["hms.department"]
        dep_a = Department.create({"name": "Outpatients", "company_id": self.clinic_a.id})
        dep_b = Department.create({"name": "Outpatients", "company_id": self.clinic_b.id})
        visible = Department.with_user(self.doctor).search([("id", "in", (dep_a | dep_b).ids)])
        self.assertEqual(visible, dep_a)
        visible = Department.with_user(self.doctor_b).search([("id", "in", (dep_a | dep_b).ids)])
        self.assertEqual(visible, dep_b)

    def test_manager_of_both_clinics(self):
        Practitioner = self.env["hms.practitioner"].with_user(self.manager)
        both = [("id", "in", (self.practitioner_a | self.practitioner_b).ids)]
        self.assertEqual(Practitioner.search(both), self.practitioner_a, "not yet at clinic B")
        self.manager.company_ids |= self.clinic_b
        self.assertEqual(
            Practitioner.search([("id", "in", (self.practitioner_a | self.practitioner_b).ids)]),
            self.practitioner_a | self.practitioner_b,
        )
