from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import HmsLabCase


@tagged("post_install", "-at_install", "hms_access")
class TestLabAccess(HmsLabCase):
    def setUp(self):
        super().setUp()
        self.lab_order = self.released()
        self.results = self.lab_order.result_ids

    def assertDenied(self, call):
        with mute_logger("odoo.addons.base.models.ir_model", "odoo.addons.base.models.ir_rule"):
            with self.assertRaises(AccessError):
                call()

    def test_lab_technician_works_on_the_lab_not_on_the_notes(self):
        tech = self.lab_technician
        self.assertEqual(self.lab_order.with_user(tech).read(["state"])[0]["state"], "released")
        self.assertTrue(self.results.with_user(tech).read(["value"]))
        self.assertTrue(self.lab_order.specimen_ids.with_user(tech).read(["state"]))
        encounter = self.open_encounter()
        self.assertDenied(lambda: encounter.with_user(tech).read(["chief_complaint"]))
        self.assertDenied(lambda: self.env["hms.encounter.diagnosis"].with_user(tech).search([]))
        # Orders come from doctors.
        self.assertDenied(
            lambda: (
                self.env["hms.lab.order"]
                .with_user(tech)
                .create({"patient_id": self.patient_a.id, "test_ids": [(4, self.test_k.id)]})
            )
        )
        self.assertNotIn("encounter_id", self.lab_order.with_user(tech).fields_get())

    def test_lab_technician_of_another_clinic(self):
        other = self._hms_user("hms_test_lab_b", "hms_base.group_hms_lab_technician", self.clinic_b)
        self.assertFalse(
            self.env["hms.lab.result"].with_user(other).search([("id", "in", self.results.ids)])
        )
        self.assertDenied(lambda: self.lab_order.with_user(other).read(["name"]))

    def test_doctor_sees_the_patients_in_their_care(self):
        self.assertEqual(
            self.env["hms.lab.result"]
            .with_user(self.doctor)
            .search([("id", "in", self.results.ids)]),
            self.results,
        )
        self.assertDenied(lambda: self.results[0].with_user(self.doctor).write({"value": "1"}))
        outsider = self._hms_user("hms_test_doctor_c", "hms_base.group_hms_doctor", self.clinic_a)
        self.assertFalse(
            self.env["hms.lab.result"].with_user(outsider).search([("id", "in", self.results.ids)])
        )
        self.assertDenied(lambda: self.lab_order.with_user(outsider).read(["name"]))
        # Ordering for a patient outside their care is refused too.
        self.assertDenied(
            lambda: (
                self.env["hms.lab.order"]
                .with_user(outsider)
                .create({"patient_id": self.patient_a.id, "test_ids": [(4, self.test_k.id)]})
            )
        )

    def test_nurse_collects_and_reads(self):
        order = self.order()
        order.specimen_ids[0].with_user(self.nurse).action_collect()
        self.assertEqual(order.specimen_ids[0].state, "collected")
        self.assertTrue(self.results.with_user(self.nurse).read(["value", "flag"]))
        self.assertDenied(lambda: self.results[0].with_user(self.nurse).write({"value": "1"}))
        self.assertDenied(
            lambda: (
                self.env["hms.lab.order"]
                .with_user(self.nurse)
                .create({"patient_id": self.patient_a.id, "test_ids": [(4, self.test_k.id)]})
            )
        )

    def test_receptionist_and_others_see_no_results(self):
        for role in ("receptionist", "pharmacist", "billing_clerk", "auditor"):
            user = self.users[role]
            with self.subTest(role=role):
                self.assertDenied(lambda u=user: self.env["hms.lab.result"].with_user(u).search([]))
                self.assertDenied(lambda u=user: self.lab_order.with_user(u).read(["name"]))

    def test_manager_sees_the_clinic(self):
        self.assertEqual(
            self.env["hms.lab.result"]
            .with_user(self.manager)
            .search([("id", "in", self.results.ids)]),
            self.results,
        )
