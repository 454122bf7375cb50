from odoo.exceptions import UserError
from odoo.http import Request
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.hms_base.tests.common import hms_password

from .common import HmsAuditCommon


@tagged("post_install", "-at_install", "hms_access")
class TestAccountDeletion(HmsAuditCommon, HttpCase):
    """A patient's "delete my account": the account goes, the audit trail stays verifiable."""

    readonly_enabled = False

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_hms()

    def delete_account(self, user, password):
        self.authenticate(user.login, password)  # a sign-in: the trail names the user
        login = user.login
        response = self.url_open(
            "/my/deactivate_account",
            data={
                "validation": login,
                "password": password,
                "csrf_token": Request.csrf_token(self),
            },
        )
        self.assertIn("/web/login", response.url)
        # The deletion queue's cron; the partner of a patient stays (the patient record keeps
        # it: medical records outlive the account), which the cron reports as a warning.
        with mute_logger("odoo.addons.base.models.res_users_deletion", "odoo.sql_db"):
            self.env.ref("base.ir_cron_res_users_deletion").method_direct_trigger()

    def test_a_patient_deletes_her_account_and_the_trail_still_verifies(self):
        user = self.portal_patient_a
        user_id, partner = user.id, user.partner_id
        mark = self.audit_mark()
        self.delete_account(user, f"{user.login}-Secret-2026")
        self.assertFalse(user.exists())
        self.env.cr.execute("SELECT count(*) FROM res_users WHERE id = %s", [user_id])
        self.assertEqual(self.env.cr.fetchone()[0], 0)
        # Her record and its history stay; the events keep her id, role and hashes.
        self.assertTrue(self.patient_a.exists())
        self.assertEqual(self.patient_a.partner_id, partner)
        events = self.events_since(mark, user_id=user_id)
        self.assertIn("login", events.mapped("action"))
        self.assertEqual(set(events.mapped("role")), {"portal"})
        self.assertTrue(all(events.mapped("event_hash")))
        result = self.env["hms.audit.event"]._verify_chain()
        self.assertIsNone(result["broken"])
        self.assertEqual(result["unsealed"], 0)
        # The auditor's list still shows the events (the user no longer resolves).
        rows = events.with_user(self.auditor).web_search_read(
            [("id", "in", events.ids)], {"user_id": {"fields": {"display_name": {}}}}
        )
        self.assertEqual(rows["length"], len(events))

    def test_staff_named_in_the_trail_are_archived_never_deleted(self):
        self.authenticate(self.doctor.login, hms_password(self.doctor))
        self.env["hms.audit.event"]._seal()
        self.doctor.action_archive()
        with self.assertRaisesRegex(UserError, "audit trail names"):
            self.doctor.unlink()
        # An active portal user too: the account is closed first (archived), then deleted.
        self.authenticate(self.portal_guardian.login, f"{self.portal_guardian.login}-Secret-2026")
        self.env["hms.audit.event"]._seal()
        with self.assertRaisesRegex(UserError, "audit trail names"):
            self.portal_guardian.unlink()
        self.portal_guardian.action_archive()
        self.portal_guardian.unlink()
        self.assertFalse(self.portal_guardian.exists())
