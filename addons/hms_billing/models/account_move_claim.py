from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def action_hms_create_claims(self):
        """Claim these posted insurer invoices: one claim per insurer and clinic."""
        claims = self.env["hms.claim"]._hms_create_from_invoices(self)
        return claims._get_records_action(name=self.env._("Claims"))
