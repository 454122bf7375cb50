from odoo import fields, models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    # Copied with the line: a credit note gives back the co-pay and the cap it used.
    hms_policy_id = fields.Many2one(
        "hms.patient.insurance",
        "Insurance Policy",
        index="btree_not_null",
        readonly=True,
        copy=True,
    )
    hms_copay_amount = fields.Monetary(
        "Co-pay", readonly=True, copy=True, help="The co-pay this patient line bills."
    )
    hms_service_date = fields.Date("Date of Service", readonly=True, copy=True)
    hms_claim_line_ids = fields.One2many(
        "hms.claim.line", "move_line_id", "Claim Lines", readonly=True, copy=False
    )
