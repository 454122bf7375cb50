from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    hms_clinic_code = fields.Char(related="company_id.hms_clinic_code", readonly=False)
    hms_session_idle_minutes = fields.Integer(
        related="company_id.hms_session_idle_minutes", readonly=False
    )
