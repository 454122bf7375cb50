from odoo import fields, models


class HmsClaimAnswer(models.TransientModel):
    """The insurer's answer to claim lines and, for what it does not pay, who pays it."""

    _name = "hms.claim.answer"
    _description = "Answer Claim Lines"

    line_ids = fields.Many2many("hms.claim.line", string="Claim Lines", required=True)
    answer = fields.Selection(
        [("accepted", "Accepted"), ("partial", "Partly Accepted"), ("denied", "Denied")],
        required=True,
        default="accepted",
    )
    currency_id = fields.Many2one(related="line_ids.currency_id")
    amount_accepted = fields.Monetary("Accepted Amount")
    denial_reason = fields.Char()
    settlement = fields.Selection(
        [("rebilled", "Re-bill to the Patient"), ("written_off", "Write Off")],
        help="What becomes of the part the insurer does not pay.",
    )
    write_off_reason = fields.Char()

    def action_apply(self):
        """Record the answer, then re-bill or write off what the insurer does not pay."""
        self.ensure_one()
        self.line_ids._action_answer(self.answer, self.amount_accepted, self.denial_reason)
        if self.answer != "accepted" and self.settlement == "rebilled":
            self.line_ids._action_rebill()
        elif self.answer != "accepted" and self.settlement == "written_off":
            self.line_ids._action_write_off(self.write_off_reason)
        return {"type": "ir.actions.act_window_close"}
