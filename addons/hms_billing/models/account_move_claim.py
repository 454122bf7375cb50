from odoo import models
from odoo.exceptions import UserError


class AccountMove(models.Model):
    _inherit = "account.move"

    def button_draft(self):
        # A claimed invoice is what the insurer was sent: its answer settles it, not an edit.
        claims = self.invoice_line_ids.sudo().hms_claim_line_ids.claim_id
        if claims:
            raise UserError(
                self.env._(
                    "This invoice is claimed in %(claims)s: record the insurer's answer there "
                    "instead of changing it.",
                    claims=", ".join(claims.mapped("name")),
                )
            )
        return super().button_draft()

    def action_hms_create_claims(self):
        """Claim these posted insurer invoices: one claim per insurer and clinic."""
        claims = self.env["hms.claim"]._hms_create_from_invoices(self)
        return claims._get_records_action(name=self.env._("Claims"))
