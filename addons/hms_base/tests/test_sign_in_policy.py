from odoo.exceptions import UserError
from odoo.tests import TransactionCase, new_test_user, tagged

from .common import HmsCommon


@tagged("post_install", "-at_install", "hms_access")
class TestSignInPolicy(HmsCommon, TransactionCase):
    def test_staff_passwords_have_at_least_ten_characters(self):
        with self.assertRaisesMessage(UserError, "10"):
            new_test_user(self.env, login="short.password", password="Sh0rt-pw")
        user = new_test_user(self.env, login="long.password", password="a-long-passphrase")
        self.assertTrue(user.exists())

    def test_two_factor_authentication_for_staff(self):
        # What a production database (installed without demo data) enforces.
        self.env["ir.config_parameter"].set_param("auth_totp.policy", "employee_required")
        staff = new_test_user(self.env, login="totp.staff", password="a-long-passphrase")
        portal = new_test_user(
            self.env, login="totp.portal", password="a-long-passphrase", groups="base.group_portal"
        )
        self.assertFalse(staff.totp_enabled)
        self.assertEqual(staff._mfa_type(), "totp_mail", "a code by e-mail until an app is set up")
        self.assertFalse(portal._mfa_type())
