from odoo import fields, models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    hms_prescription_id = fields.Many2one(
        "hms.prescription",
        "Prescription",
        index="btree_not_null",
        readonly=True,
        copy=False,
        check_company=True,
    )
