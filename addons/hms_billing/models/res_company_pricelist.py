from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    hms_pricelist_id = fields.Many2one(
        "product.pricelist",
        "Default Pricelist",
        domain="[('company_id', 'in', (id, False))]",
        help="The prices of the clinic's charges, for patients who have no pricelist of their "
        "own; the products' sales prices when empty.",
    )
