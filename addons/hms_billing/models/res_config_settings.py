from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    hms_invoice_on_close = fields.Selection(
        related="company_id.hms_invoice_on_close", readonly=False
    )
