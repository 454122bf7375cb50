from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import HmsAuditCase


@tagged("post_install", "-at_install", "hms_access")
class TestAuditAccess(HmsAuditCase):
    def setUp(self):
        super().setUp()
        self.patient_a.with_user(self.doctor).read(["name"])
        self.events = self.events_since(self.mark)

    def test_auditors_read_the_trail(self):
        events = (
            self.env["hms.audit.event"]
            .with_user(self.auditor)
            .search([("id", "in", self.events.ids)])
        )
        self.assertEqual(events, self.events)
        self.assertEqual(
            events.with_user(self.auditor).search([("patient_ids", "in", self.patient_a.ids)])
            & events,
            events,
        )
        self.env["hms.audit.verification"].with_user(self.auditor).action_verify_now()

    def test_other_roles_do_not(self):
        with mute_logger("odoo.addons.base.models.ir_model"):
            for role in (
                "receptionist",
                "nurse",
                "doctor",
                "pharmacist",
                "billing_clerk",
                "manager",
            ):
                with self.subTest(role=role), self.assertRaises(AccessError):
                    self.env["hms.audit.event"].with_user(self.users[role]).search([])
            with self.assertRaises(AccessError):
                self.env["hms.audit.event"].with_user(self.portal_user).search([])
            with self.assertRaises(AccessError):
                self.env["hms.audit.verification"].with_user(self.doctor).action_verify_now()

    def test_rules_are_configured_by_managers(self):
        rule = self.env["hms.audit.rule"].search([("model", "=", "hms.patient")])
        rule.with_user(self.manager).audit_reads = False
        self.assertFalse(rule.audit_reads)
        self.assertTrue(rule.with_user(self.auditor).model_id)
        with mute_logger("odoo.addons.base.models.ir_model"), self.assertRaises(AccessError):
            rule.with_user(self.auditor).active = False
