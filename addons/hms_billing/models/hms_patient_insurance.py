from odoo import api, fields, models
from odoo.exceptions import ValidationError


class HmsPatientInsurance(models.Model):
    """Co-pay and yearly cap of a policy: what the insurer does not pay of its coverage.

    The insurer's share of a charge is, in this order: the coverage percentage of the charge;
    less the co-pay, which the patient pays once per encounter (a charge without an encounter is
    its own visit); then no more than what is left of the cap, the most the insurer pays under
    the policy per calendar year of the dates of service (amounts before taxes). What the insurer
    does not pay goes to the patient's invoice.
    """

    _inherit = "hms.patient.insurance"

    currency_id = fields.Many2one(related="company_id.currency_id")
    copay_amount = fields.Monetary(
        "Co-pay",
        help="What the patient pays of the insurer's share once per encounter (0: none).",
    )
    cap_amount = fields.Monetary(
        "Yearly Cap",
        help="The most the insurer pays under this policy per calendar year (0: no cap).",
    )

    @api.constrains("copay_amount", "cap_amount")
    def _check_copay_cap(self):
        for policy in self:
            if policy.copay_amount < 0 or policy.cap_amount < 0:
                raise ValidationError(
                    self.env._("Co-pay and Yearly Cap: must be zero (none) or more.")
                )

    def _hms_billed_lines(self, domain):
        """Invoice and credit-note lines billed under this policy (not cancelled), with
        their sign: +1 for an invoice line, -1 for a credit-note line."""
        self.ensure_one()
        lines = (
            self.env["account.move.line"]
            .sudo()
            .search([("hms_policy_id", "=", self.id), ("parent_state", "!=", "cancel"), *domain])
        )
        return [(line, -1 if line.move_id.move_type == "out_refund" else 1) for line in lines]

    def _hms_copay_applied(self, charge):
        """The co-pay already billed to the patient for the visit of ``charge``."""
        visit = (
            [("hms_charge_ids.encounter_id", "=", charge.encounter_id.id)]
            if charge.encounter_id
            else [("hms_charge_ids", "in", charge.ids)]
        )
        return sum(sign * line.hms_copay_amount for line, sign in self._hms_billed_lines(visit))

    def _hms_insurer_billed(self, year):
        """What the insurer was billed under this policy for services of calendar ``year``."""
        domain = [
            ("move_id.hms_share", "=", "payer"),
            ("hms_service_date", ">=", fields.Date.to_date(f"{year}-01-01")),
            ("hms_service_date", "<=", fields.Date.to_date(f"{year}-12-31")),
        ]
        return sum(sign * line.price_subtotal for line, sign in self._hms_billed_lines(domain))
