from odoo import fields, models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    # Not one of the charge's invoice lines: crediting returned units leaves it invoiced.
    hms_returned_charge_id = fields.Many2one(
        "hms.charge",
        "Returned Charge",
        index="btree_not_null",
        readonly=True,
        copy=False,
        help="The charge whose returned units this credit note line credits.",
    )
