from odoo import fields, models, tools

from .hms_revenue_report import PAYER_TYPES

UNBILLED_BUCKETS = [
    ("0_30", "0-30 days"),
    ("31_60", "31-60 days"),
    ("61_90", "61-90 days"),
    ("90_plus", "Over 90 days"),
]
OVERDUE_BUCKETS = [
    ("not_due", "Not due"),
    ("1_30", "1-30 days overdue"),
    ("31_60", "31-60 days overdue"),
    ("61_90", "61-90 days overdue"),
    ("90_plus", "Over 90 days overdue"),
]


def _bucket_sql(days, first):
    """SQL: the bucket of ``days`` (an SQL expression); ``first`` names the bucket up to 30."""
    return tools.SQL(
        """CASE WHEN %(days)s <= 30 THEN %(first)s
                WHEN %(days)s <= 60 THEN '31_60'
                WHEN %(days)s <= 90 THEN '61_90'
                ELSE '90_plus'
           END""",
        days=days,
        first=first,
    )


class HmsUnbilledAgeingReport(models.Model):
    """Charges still to bill, by age since the date of service (as of today)."""

    _name = "hms.unbilled.ageing.report"
    _description = "Unbilled Charges Ageing"
    _auto = False
    _order = "date, id"
    _depends = {
        "hms.charge": [
            "amount",
            "company_id",
            "date",
            "patient_id",
            "practitioner_id",
            "product_id",
            "state",
        ],
    }

    charge_id = fields.Many2one("hms.charge", "Charge", readonly=True)
    date = fields.Date("Date of Service", readonly=True)
    company_id = fields.Many2one("res.company", "Clinic", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    patient_id = fields.Many2one("hms.patient", "Patient", readonly=True)
    practitioner_id = fields.Many2one("hms.practitioner", "Practitioner", readonly=True)
    product_id = fields.Many2one("product.product", "Service", readonly=True)
    age_days = fields.Integer("Age (days)", readonly=True, aggregator="max")
    age_bucket = fields.Selection(UNBILLED_BUCKETS, "Age", readonly=True)
    amount = fields.Monetary("Amount to Bill", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        age = tools.SQL("(CURRENT_DATE - c.date)")
        self.env.cr.execute(
            tools.SQL(
                """
                CREATE OR REPLACE VIEW %(view)s AS (
                    SELECT c.id AS id,
                           c.id AS charge_id,
                           c.date,
                           c.company_id,
                           company.currency_id,
                           c.patient_id,
                           c.practitioner_id,
                           c.product_id,
                           %(age)s AS age_days,
                           %(bucket)s AS age_bucket,
                           c.amount
                      FROM hms_charge c
                      JOIN res_company company ON company.id = c.company_id
                     WHERE c.state = 'to_bill'
                )
                """,
                view=tools.SQL.identifier(self._table),
                age=age,
                bucket=_bucket_sql(age, "0_30"),
            )
        )


class HmsReceivableAgeingReport(models.Model):
    """Open posted invoices of patients and their insurers, by days overdue (as of today)."""

    _name = "hms.receivable.ageing.report"
    _description = "Receivables Ageing"
    _auto = False
    _order = "date_due, id"
    _depends = {
        "account.move": [
            "amount_residual",
            "amount_residual_signed",
            "company_id",
            "hms_patient_id",
            "hms_share",
            "invoice_date",
            "invoice_date_due",
            "move_type",
            "partner_id",
            "state",
        ],
    }

    move_id = fields.Many2one("account.move", "Invoice", readonly=True)
    company_id = fields.Many2one("res.company", "Clinic", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    partner_id = fields.Many2one("res.partner", "Payer", readonly=True)
    payer_type = fields.Selection(PAYER_TYPES, readonly=True)
    patient_id = fields.Many2one("hms.patient", "Patient", readonly=True)
    invoice_date = fields.Date(readonly=True)
    date_due = fields.Date("Due Date", readonly=True)
    days_overdue = fields.Integer("Days Overdue", readonly=True, aggregator="max")
    age_bucket = fields.Selection(OVERDUE_BUCKETS, "Overdue", readonly=True)
    amount_residual = fields.Monetary("Amount Due", readonly=True)
    amount_overdue = fields.Monetary("Amount Overdue", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        days = tools.SQL("(CURRENT_DATE - COALESCE(am.invoice_date_due, am.invoice_date))")
        self.env.cr.execute(
            tools.SQL(
                """
                CREATE OR REPLACE VIEW %(view)s AS (
                    SELECT am.id AS id,
                           am.id AS move_id,
                           am.company_id,
                           company.currency_id,
                           am.partner_id,
                           am.hms_share AS payer_type,
                           am.hms_patient_id AS patient_id,
                           am.invoice_date,
                           COALESCE(am.invoice_date_due, am.invoice_date) AS date_due,
                           GREATEST(%(days)s, 0) AS days_overdue,
                           CASE WHEN %(days)s <= 0 THEN 'not_due' ELSE %(bucket)s END
                               AS age_bucket,
                           am.amount_residual_signed AS amount_residual,
                           CASE WHEN %(days)s > 0 THEN am.amount_residual_signed ELSE 0 END
                               AS amount_overdue
                      FROM account_move am
                      JOIN res_company company ON company.id = am.company_id
                     WHERE am.state = 'posted'
                       AND am.move_type = 'out_invoice'
                       AND am.hms_share IS NOT NULL
                       AND am.amount_residual > 0
                )
                """,
                view=tools.SQL.identifier(self._table),
                days=days,
                bucket=_bucket_sql(days, "1_30"),
            )
        )
