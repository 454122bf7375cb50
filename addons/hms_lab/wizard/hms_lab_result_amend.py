from odoo import fields, models


class HmsLabResultAmend(models.TransientModel):
    _name = "hms.lab.result.amend"
    _description = "Amend a Lab Result"

    result_id = fields.Many2one("hms.lab.result", required=True, ondelete="cascade")
    old_value = fields.Char(related="result_id.value", string="Current Value")
    value = fields.Char("Corrected Value", required=True)
    reason = fields.Text(required=True)

    def action_amend(self):
        self.ensure_one()
        self.result_id._hms_amend(self.value, self.reason)
