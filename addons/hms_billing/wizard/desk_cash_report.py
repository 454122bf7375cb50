from odoo import api, fields, models
from odoo.exceptions import AccessError


class HmsDeskCashReport(models.TransientModel):
    """The daily cash report of a clinic's front desk: what each cashier took in each journal."""

    _name = "hms.desk.cash.report"
    _description = "Daily Cash Report"

    date = fields.Date(required=True, default=fields.Date.context_today)
    company_id = fields.Many2one(
        "res.company",
        "Clinic",
        required=True,
        default=lambda self: self.env.company,
        domain=lambda self: [("id", "in", self.env.user.company_ids.ids)],
    )
    user_id = fields.Many2one(
        "res.users", "Cashier", help="Only the payments this user registered; all when empty."
    )

    @api.model
    def _hms_signed_amount(self, payment):
        """Money in is positive, refunds (money out) negative."""
        return payment.amount if payment.payment_type == "inbound" else -payment.amount

    def _hms_payments(self):
        self.ensure_one()
        if self.company_id not in self.env.user.company_ids:
            raise AccessError(
                self.env._(
                    "The cash report of %(clinic)s is not yours.", clinic=self.company_id.name
                )
            )
        domain = [
            ("company_id", "=", self.company_id.id),
            ("journal_id.hms_desk", "=", True),
            ("date", "=", self.date),
            ("state", "in", ("in_process", "paid")),
        ]
        if self.user_id:
            domain.append(("create_uid", "=", self.user_id.id))
        return self.env["account.payment"].search(domain, order="create_date, id")

    def _hms_report_data(self):
        """The report's figures: per cashier, per journal, each payment, with the totals."""
        payments = self._hms_payments()
        cashiers = []
        for user in payments.create_uid.sorted("name"):
            journals = []
            for journal in payments.journal_id.sorted(lambda j: (j.sequence, j.id)):
                mine = payments.filtered(
                    lambda p, u=user, j=journal: (p.create_uid, p.journal_id) == (u, j)
                )
                if not mine:
                    continue
                lines = [
                    {
                        "time": fields.Datetime.context_timestamp(self, pay.create_date).strftime(
                            "%H:%M"
                        ),
                        "number": pay.name,
                        "patient": pay.partner_id.display_name,
                        "invoices": ", ".join(
                            (pay.reconciled_invoice_ids | pay.reconciled_bill_ids).mapped("name")
                        ),
                        "amount": self._hms_signed_amount(pay),
                    }
                    for pay in mine
                ]
                journals.append(
                    {
                        "journal": journal,
                        "lines": lines,
                        "total": sum(line["amount"] for line in lines),
                    }
                )
            cashiers.append(
                {
                    "user": user,
                    "journals": journals,
                    "total": sum(journal["total"] for journal in journals),
                }
            )
        by_journal = {}
        for pay in payments:
            by_journal[pay.journal_id] = by_journal.get(pay.journal_id, 0.0) + (
                self._hms_signed_amount(pay)
            )
        return {
            "cashiers": cashiers,
            "journals": [{"journal": j, "total": t} for j, t in by_journal.items()],
            "total": sum(by_journal.values()),
            "currency": self.company_id.currency_id,
        }

    def action_print(self):
        return self.env.ref("hms_billing.action_report_desk_cash").report_action(self)
