from odoo import fields, models

from .hms_lab_result import FLAGS


class HmsLabResultAmendment(models.Model):
    """A correction of a validated result: the value it replaced, by whom and why."""

    _name = "hms.lab.result.amendment"
    _description = "Lab Result Amendment"
    _inherit = ["hms.append.only.mixin"]
    _order = "id desc"

    result_id = fields.Many2one(
        "hms.lab.result", "Result", required=True, index=True, ondelete="restrict"
    )
    company_id = fields.Many2one(related="result_id.company_id", store=True)
    old_value = fields.Char("Previous Value", readonly=True)
    old_flag = fields.Selection(FLAGS, "Previous Flag", readonly=True)
    old_validated_by_id = fields.Many2one("res.users", "Previously Validated By", readonly=True)
    new_value = fields.Char("New Value", readonly=True)
    reason = fields.Text(required=True, readonly=True)
    user_id = fields.Many2one(
        "res.users", "Amended By", default=lambda self: self.env.user, readonly=True
    )
    date = fields.Datetime("Amended On", default=fields.Datetime.now, readonly=True)
