from odoo import fields, models


class StockPickingType(models.Model):
    _inherit = "stock.picking.type"

    hms_is_pharmacy = fields.Boolean(
        "Pharmacy Dispensing", help="The clinic's operation that dispenses prescriptions."
    )
