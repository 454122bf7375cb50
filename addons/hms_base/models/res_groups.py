from odoo import api, fields, models


class ResGroups(models.Model):
    _inherit = "res.groups"

    hms_home_action_id = fields.Many2one(
        "ir.actions.actions",
        "Home Action of the Role",
        help="Where the members of this role land after signing in, unless their user has a "
        "home action of their own.",
    )
    hms_home_sequence = fields.Integer(
        "Home Priority",
        default=100,
        help="A user with several roles lands on the home of the role with the lowest number.",
    )

    @api.constrains("hms_home_action_id")
    def _check_hms_home_action_id(self):
        # The same rules as a user's own home action (no reload, no action needing a record).
        for group in self.filtered("hms_home_action_id"):
            self.env["res.users"].new({"action_id": group.hms_home_action_id.id})._check_action_id()
