from odoo import fields, models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    # Copied with the line: a credit note reversing it points to the same charges.
    hms_charge_ids = fields.Many2many(
        "hms.charge",
        "hms_charge_account_move_line_rel",
        "move_line_id",
        "charge_id",
        string="Charges",
        copy=True,
        readonly=True,
    )
