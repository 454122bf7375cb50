from collections import defaultdict

from odoo import fields, models
from odoo.tools import float_round


class HmsCharge(models.Model):
    """The co-pay and the yearly cap of the policy, applied after the coverage split."""

    _inherit = "hms.charge"

    def _hms_insurance_policy(self):
        """The patient's policy valid on the date of service (empty without one)."""
        self.ensure_one()
        return self.patient_id.sudo().insurance_ids.filtered(lambda p: p._is_valid_on(self.date))[
            :1
        ]

    def _hms_invoice(self, post=False):
        if "hms_insurer_batch" in self.env.context:
            return super()._hms_invoice(post=post)
        # The co-pay and the cap count what this batch bills before its invoice lines exist.
        batch = self.with_context(hms_insurer_batch=defaultdict(float))
        return super(HmsCharge, batch)._hms_invoice(post=post).with_env(self.env)

    def _hms_invoice_lines(self):
        result = super()._hms_invoice_lines()
        policy = self._hms_insurance_policy()
        if not policy:
            return result
        batch = self.env.context.get("hms_insurer_batch", defaultdict(float))
        shares = {share: command[2] for __, share, command in result}
        payer_vals, patient_vals = shares.get("payer"), shares.get("patient")
        covered = self.currency_id.round(
            payer_vals["price_unit"] * payer_vals["quantity"] if payer_vals else 0.0
        )
        visit = ("copay", policy.id, self.encounter_id.id or f"charge-{self.id}")
        copay = 0.0
        if policy.copay_amount:
            applied = policy._hms_copay_applied(self) + batch[visit]
            copay = min(covered, max(policy.copay_amount - applied, 0.0))
        insurer = covered - copay
        year = ("cap", policy.id, self.date.year)
        if policy.cap_amount:
            billed = policy._hms_insurer_billed(self.date.year) + batch[year]
            insurer = min(insurer, max(policy.cap_amount - billed, 0.0))
        insurer = self.currency_id.round(insurer)
        batch[visit] += copay
        batch[year] += insurer
        patient = self.currency_id.round(self.amount - insurer)
        lines = []
        for partner, share, amount, base_vals in (
            (policy.payer_id, "payer", insurer, payer_vals),
            (self.patient_id.partner_id, "patient", patient, patient_vals),
        ):
            if self.currency_id.is_zero(amount):
                continue
            vals = dict(base_vals or payer_vals or patient_vals)
            vals.update(
                name=self.env._(
                    "%(service)s — %(patient)s, policy %(policy)s (%(share)s)",
                    service=self.name,
                    patient=self.patient_id.name,
                    policy=policy.policy_number,
                    share=self.env._("insurer") if share == "payer" else self.env._("patient"),
                ),
                **self._hms_share_quantity(amount),
                hms_policy_id=policy.id,
                hms_service_date=self.date,
                hms_copay_amount=copay if share == "patient" else 0.0,
                hms_charge_ids=[fields.Command.link(self.id)],
            )
            lines.append((partner, share, fields.Command.create(vals)))
        return lines

    def _hms_share_quantity(self, amount):
        """Quantity and unit price of a share line that bill exactly ``amount``: the charge's
        quantity, or one unit when the unit price would lose a cent to its precision."""
        digits = self.env["decimal.precision"].precision_get("Product Price")
        unit = float_round(amount / self.quantity, precision_digits=digits)
        if self.currency_id.compare_amounts(unit * self.quantity, amount):
            return {"quantity": 1.0, "price_unit": amount}
        return {"quantity": self.quantity, "price_unit": unit}
