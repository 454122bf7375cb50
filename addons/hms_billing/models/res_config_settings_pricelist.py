from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    hms_pricelist_id = fields.Many2one(
        related="company_id.hms_pricelist_id",
        readonly=False,
        domain="[('company_id', 'in', (company_id, False))]",
    )
