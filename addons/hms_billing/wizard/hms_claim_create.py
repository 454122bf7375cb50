from odoo import fields, models


class HmsClaimCreate(models.TransientModel):
    """Claim the posted insurer invoices of a period: one claim per insurer and clinic."""

    _name = "hms.claim.create"
    _description = "Create Insurance Claims"

    date_from = fields.Date("From", required=True)
    date_to = fields.Date("To", required=True, default=fields.Date.context_today)

    def action_create(self):
        """Create the claims and show them."""
        self.ensure_one()
        claims = self.env["hms.claim"]._hms_create_claims(self.date_from, self.date_to)
        return claims._get_records_action(name=self.env._("Claims"))
