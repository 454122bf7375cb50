from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    hms_lab_critical_escalation_minutes = fields.Integer(
        related="company_id.hms_lab_critical_escalation_minutes", readonly=False
    )
