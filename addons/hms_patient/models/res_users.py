from odoo import api, models


class ResUsers(models.Model):
    _inherit = "res.users"

    @api.model
    def _signup_create_user(self, values):
        """Self-registration creates the patient, waiting for the front desk to verify it."""
        user = super()._signup_create_user(values)
        Patient = self.env["hms.patient"].sudo().with_context(active_test=False)
        if user.share and not Patient.search_count([("partner_id", "=", user.partner_id.id)]):
            Patient.create(
                {
                    "partner_id": user.partner_id.id,
                    "company_id": user.company_id.id,
                    "state": "to_verify",
                }
            )
        return user
