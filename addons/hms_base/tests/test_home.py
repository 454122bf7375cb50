from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import HmsCase


@tagged("post_install", "-at_install")
class TestRoleHome(HmsCase):
    """Where staff land after signing in: their role's home action (res.groups)."""

    def test_the_most_specific_role_wins_and_the_user_own_home_first(self):
        Action = self.env["ir.actions.act_window"]
        desk = Action.create({"name": "Desk", "res_model": "hms.specialty"})
        day = Action.create({"name": "Day", "res_model": "hms.practitioner"})
        self.env.ref("hms_base.group_hms_receptionist").hms_home_action_id = desk.id
        self.env.ref("hms_base.group_hms_doctor").hms_home_action_id = day.id
        self.assertEqual(self.receptionist._hms_home_action().id, desk.id)
        # A doctor is also a receptionist (implied role): the doctor's home comes first.
        self.assertEqual(self.doctor._hms_home_action().id, day.id)
        self.doctor.action_id = desk.id
        self.assertEqual(self.doctor._hms_home_action().id, desk.id)

    def test_a_role_home_follows_the_rules_of_home_actions(self):
        reload = self.env["ir.actions.client"].create({"name": "Reload", "tag": "reload"})
        with self.assertRaisesRegex(ValidationError, "cannot be selected as home action"):
            self.env.ref("hms_base.group_hms_auditor").hms_home_action_id = reload.id
