from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    hms_audit_show_staff_names = fields.Boolean(
        related="company_id.hms_audit_show_staff_names", readonly=False
    )
