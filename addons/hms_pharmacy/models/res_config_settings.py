from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    hms_rx_validity_days = fields.Integer(related="company_id.hms_rx_validity_days", readonly=False)
    hms_near_expiry_days = fields.Integer(related="company_id.hms_near_expiry_days", readonly=False)
