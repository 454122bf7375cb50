from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


class HmsPatientInsurance(models.Model):
    _name = "hms.patient.insurance"
    _description = "Patient Insurance Policy"
    _order = "date_start desc, id desc"
    _rec_name = "policy_number"
    _check_company_auto = True

    patient_id = fields.Many2one(
        "hms.patient", "Patient", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="patient_id.company_id", store=True, index=True)
    payer_id = fields.Many2one(
        "res.partner",
        "Payer",
        required=True,
        domain=[("is_company", "=", True)],
        help="The insurer or organisation that pays its share of the bills.",
    )
    plan = fields.Char()
    policy_number = fields.Char(required=True)
    coverage_percent = fields.Float("Coverage (%)", required=True, default=100.0)
    date_start = fields.Date("Valid From", required=True, default=fields.Date.context_today)
    date_end = fields.Date("Valid Until")
    active = fields.Boolean(default=True)
    is_valid = fields.Boolean("Valid Today", compute="_compute_is_valid")

    _sql_constraints = [
        (
            "coverage_range",
            "CHECK(coverage_percent >= 0 AND coverage_percent <= 100)",
            "The coverage is a percentage between 0 and 100.",
        ),
        (
            "dates_order",
            "CHECK(date_end IS NULL OR date_end >= date_start)",
            "A policy cannot end before it starts.",
        ),
    ]

    def _compute_is_valid(self):
        today = fields.Date.context_today(self)
        for policy in self:
            policy.is_valid = policy._is_valid_on(today)

    @api.constrains(
        "patient_id", "payer_id", "coverage_percent", "date_start", "date_end", "active"
    )
    def _check_values(self):
        for policy in self:
            if not 0 <= policy.coverage_percent <= 100:
                raise ValidationError(self.env._("Coverage (%): must be between 0 and 100."))
            if policy.date_end and policy.date_end < policy.date_start:
                raise ValidationError(
                    self.env._("Valid Until: the policy cannot end before it starts.")
                )
            if policy.active and policy._overlapping_policies():
                raise ValidationError(
                    self.env._(
                        "Valid From / Valid Until: %(patient)s already has a policy with "
                        "%(payer)s over these dates.",
                        patient=policy.patient_id.display_name,
                        payer=policy.payer_id.display_name,
                    )
                )

    def _overlapping_policies(self):
        self.ensure_one()
        domain = [
            ("id", "!=", self.id),
            ("patient_id", "=", self.patient_id.id),
            ("payer_id", "=", self.payer_id.id),
            "|",
            ("date_end", "=", False),
            ("date_end", ">=", self.date_start),
        ]
        if self.date_end:
            domain.append(("date_start", "<=", self.date_end))
        return self.search_count(domain, limit=1)

    def _is_valid_on(self, date):
        self.ensure_one()
        return (
            self.active and self.date_start <= date and (not self.date_end or self.date_end >= date)
        )

    def _check_usable(self, date=None):
        """Raise unless every policy covers ``date`` (today by default)."""
        date = date or fields.Date.context_today(self)
        invalid = self.filtered(lambda policy: not policy._is_valid_on(date))
        if invalid:
            raise UserError(
                self.env._(
                    "Insurance policy %(policies)s is not valid on %(date)s.",
                    policies=", ".join(invalid.mapped("policy_number")),
                    date=date,
                )
            )
        return True
