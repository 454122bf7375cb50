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

    def test_auditors_read_their_clinics_events_only(self):
        # Clinic B's doctor reads clinic B's patient: an event of clinic B.
        self.patient_b.with_user(self.doctor_b).read(["name"])
        event_b = self.events_since(self.mark, company_id=self.clinic_b.id)
        self.assertTrue(event_b)
        Event = self.env["hms.audit.event"].with_user(self.auditor)
        self.assertEqual(Event.search([("id", "in", (self.events | event_b).ids)]), self.events)
        auditor_b = self._hms_user(
            "hms_test_auditor_b", "hms_base.group_hms_auditor", self.clinic_b
        )
        self.assertEqual(
            Event.with_user(auditor_b).search([("id", "in", (self.events | event_b).ids)]),
            event_b,
        )

    def test_emergency_accesses_their_own_doctor_and_clinic_auditors(self):
        Access = self.env["hms.emergency.access"]
        reason = "Unconscious patient in the emergency room, no treating doctor on site"
        grant_a = Access.with_user(self.doctor)._grant(self.patient_a, reason, 2)
        grant_b = Access.with_user(self.doctor_b)._grant(self.patient_b, reason, 2)
        colleague = self._hms_user("hms_test_doctor_a6", "hms_base.group_hms_doctor", self.clinic_a)
        grants = [("id", "in", (grant_a | grant_b).ids)]
        self.assertEqual(Access.with_user(self.doctor).search(grants), grant_a)
        self.assertFalse(Access.with_user(colleague).search(grants))
        self.assertEqual(Access.with_user(self.auditor).search(grants), grant_a)
