from odoo import fields, models
from odoo.exceptions import UserError

CARD_CODE = "CARD"


class AccountJournal(models.Model):
    _inherit = "account.journal"

    hms_desk = fields.Boolean(
        "Front Desk", help="Payments are taken at the clinic's front desk in this journal."
    )


class ResCompany(models.Model):
    _inherit = "res.company"

    hms_apply_deposits = fields.Boolean(
        "Apply Deposits Automatically",
        default=True,
        help="Posting a patient's invoice pays it with the deposits and credits they have.",
    )

    def _hms_ensure_desk_journals(self):
        """Give each clinic with a chart of accounts its cash, card and bank-transfer journals
        of the front desk: the chart's own cash and bank journals, plus a card journal."""
        Journal = self.env["account.journal"].sudo()
        for company in self.sudo().filtered("chart_template"):
            domain = [*Journal._check_company_domain(company), ("code", "!=", CARD_CODE)]
            cash = Journal.search([*domain, ("type", "=", "cash")], order="sequence, id", limit=1)
            bank = Journal.search([*domain, ("type", "=", "bank")], order="sequence, id", limit=1)
            card = Journal.search(
                [*Journal._check_company_domain(company), ("code", "=", CARD_CODE)], limit=1
            ) or Journal.with_company(company).create(
                {
                    "name": self.env._("Card"),
                    "code": CARD_CODE,
                    "type": "bank",
                    "company_id": company.id,
                    "sequence": 8,
                }
            )
            (cash | bank | card).filtered(lambda j: not j.hms_desk).hms_desk = True

    def _hms_desk_journals(self):
        self.ensure_one()
        return self.env["account.journal"].search(
            [("company_id", "=", self.id), ("hms_desk", "=", True)], order="type desc, sequence"
        )


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    hms_apply_deposits = fields.Boolean(related="company_id.hms_apply_deposits", readonly=False)


class AccountChartTemplate(models.AbstractModel):
    _inherit = "account.chart.template"

    def _post_load_data(self, template_code, company, template_data):
        result = super()._post_load_data(template_code, company, template_data)
        (company or self.env.company)._hms_ensure_desk_journals()
        return result


class AccountPayment(models.Model):
    _inherit = "account.payment"

    hms_deposit = fields.Boolean(
        "Deposit", copy=False, help="Taken from a patient ahead of their invoices."
    )


class AccountPaymentRegister(models.TransientModel):
    _inherit = "account.payment.register"

    def _create_payments(self):
        # Odoo keeps an overpayment as an open credit; at the desk, a patient pays at most
        # what their invoice still owes (a deposit is taken as such, not as an overpayment).
        patient_moves = self.line_ids.move_id.filtered("hms_patient_id")
        if (
            patient_moves
            and self.can_edit_wizard
            and self.currency_id.compare_amounts(self.payment_difference, 0.0) < 0
        ):
            raise UserError(
                self.env._(
                    "%(amount)s is more than the %(due)s due on %(invoices)s: register at most "
                    "the amount due, or take the rest as a deposit.",
                    amount=self.currency_id.format(self.amount),
                    due=self.currency_id.format(self.amount + self.payment_difference),
                    invoices=", ".join(patient_moves.mapped("name")),
                )
            )
        return super()._create_payments()


class AccountMove(models.Model):
    _inherit = "account.move"

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        posted.filtered(
            lambda m: (
                m.hms_share == "patient"
                and m.move_type == "out_invoice"
                and m.company_id.hms_apply_deposits
            )
        )._hms_apply_deposits()
        return posted

    def _hms_apply_deposits(self):
        """Pay these invoices with their partner's outstanding credits (deposits, refunds)."""
        if not self:
            return
        # One query tells which partners have any credit at all: most have none.
        credit_lines = (
            self.env["account.move.line"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", self.commercial_partner_id.ids),
                    ("account_id.account_type", "=", "asset_receivable"),
                    ("parent_state", "=", "posted"),
                    ("reconciled", "=", False),
                    ("balance", "<", 0),
                ]
            )
        )
        for move in self.filtered(lambda m: m.commercial_partner_id in credit_lines.partner_id):
            widget = move.sudo().invoice_outstanding_credits_debits_widget or {}
            for credit in widget.get("content", []):
                if move.payment_state in ("paid", "in_payment"):
                    break
                move.sudo().js_assign_outstanding_line(credit["id"])


class HmsPatient(models.Model):
    _inherit = "hms.patient"

    def action_take_deposit(self):
        """The payment form of a deposit from this patient, in their clinic's cash journal."""
        self.ensure_one()
        journal = self.company_id._hms_desk_journals().filtered(lambda j: j.type == "cash")[:1]
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Take Deposit"),
            "res_model": "account.payment",
            "view_mode": "form",
            "target": "current",
            "context": {
                "default_payment_type": "inbound",
                "default_partner_type": "customer",
                "default_partner_id": self.partner_id.id,
                "default_company_id": self.company_id.id,
                "default_journal_id": journal.id,
                "default_hms_deposit": True,
                "default_memo": self.env._("Deposit of %(patient)s", patient=self.name),
            },
        }
