from odoo import fields, http
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import HmsBillingCase, HmsBillingCommon


class CashReportMixin:
    """Desk journals of clinic A, payments and reports made as a cashier."""

    @classmethod
    def setup_cash_report(cls):
        journals = cls.clinic_a._hms_desk_journals()
        cls.cash = journals.filtered(lambda j: j.type == "cash")
        cls.card = journals.filtered(lambda j: j.code == "CARD")
        cls.bank = journals - cls.cash - cls.card

    def pay(self, user, journal, amount, payment_type="inbound"):
        payment = (
            self.env["account.payment"]
            .with_user(user)
            .create(
                {
                    "payment_type": payment_type,
                    "partner_type": "customer",
                    "partner_id": self.patient_a.partner_id.id,
                    "journal_id": journal.id,
                    "amount": amount,
                }
            )
        )
        payment.action_post()
        return payment

    def report(self, user=None, **values):
        return (
            self.env["hms.desk.cash.report"]
            .with_user(user or self.billing_clerk)
            .create({"company_id": self.clinic_a.id, **values})
        )


@tagged("post_install", "-at_install")
class TestCashReport(CashReportMixin, HmsBillingCase):
    """The daily cash report: the day's desk payments per cashier and journal."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_cash_report()

    def test_totals_per_cashier_and_journal(self):
        self.clinic_a.hms_invoice_on_close = "posted"
        invoice = self.charges_of(self.closed_encounter()).invoice_line_ids.move_id
        self.env["account.payment.register"].with_user(self.billing_clerk).with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"journal_id": self.card.id, "amount": 30.0})._create_payments()
        self.pay(self.billing_clerk, self.cash, 20.0)
        self.pay(self.billing_clerk, self.cash, 5.0, payment_type="outbound")  # a refund
        self.pay(self.manager, self.bank, 10.0)
        # Neither another journal nor another day counts.
        misc_bank = self.bank.copy({"name": "Savings", "code": "SAV", "hms_desk": False})
        self.pay(self.manager, misc_bank, 99.0)
        self.pay(self.billing_clerk, self.cash, 99.0).action_draft()

        data = self.report()._hms_report_data()
        self.assertEqual(data["total"], 55.0)
        totals = {j["journal"]: j["total"] for j in data["journals"]}
        self.assertEqual(totals, {self.card: 30.0, self.cash: 15.0, self.bank: 10.0})
        by_cashier = {c["user"]: c for c in data["cashiers"]}
        self.assertEqual(set(by_cashier), {self.billing_clerk, self.manager})
        clerk = by_cashier[self.billing_clerk]
        self.assertEqual(clerk["total"], 45.0)
        clerk_journals = {j["journal"]: j for j in clerk["journals"]}
        self.assertEqual(clerk_journals[self.cash]["total"], 15.0)
        self.assertEqual(
            sorted(line["amount"] for line in clerk_journals[self.cash]["lines"]), [-5.0, 20.0]
        )
        (card_line,) = clerk_journals[self.card]["lines"]
        self.assertEqual(card_line["invoices"], invoice.name)
        self.assertEqual(card_line["patient"], self.patient_a.partner_id.display_name)
        self.assertEqual(by_cashier[self.manager]["total"], 10.0)

        only_manager = self.report(user_id=self.manager.id)._hms_report_data()
        self.assertEqual(only_manager["total"], 10.0)
        yesterday = self.report(date=fields.Date.subtract(fields.Date.today(), days=1))
        self.assertFalse(yesterday._hms_report_data()["cashiers"])

    def test_a_clerk_reports_on_their_clinic_only(self):
        with mute_logger("odoo.addons.base.models.ir_rule"), self.assertRaises(AccessError):
            self.report(company_id=self.clinic_b.id)._hms_report_data()
        for role in ("doctor", "nurse", "receptionist"):
            with (
                self.subTest(role=role),
                mute_logger("odoo.addons.base.models.ir_model"),
                self.assertRaises(AccessError),
            ):
                self.report(user=self.users[role])


@tagged("post_install", "-at_install")
class TestCashReportPdf(CashReportMixin, HmsBillingCommon, HttpCase):
    """A real PDF through wkhtmltopdf, which loads the report's assets from the test server."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_hms()
        cls.setup_cash_report()

    def test_the_report_prints(self):
        payment = self.pay(self.billing_clerk, self.cash, 20.0)
        report = self.report()
        self.env["ir.config_parameter"].set_param("report.url", self.base_url())
        # The server lists the addons' static folders on its first request, reading manifests;
        # wkhtmltopdf asks for several assets at once, and Python 3.11 may fail to parse in
        # parallel threads: list them here first, in one thread.
        self.assertTrue(http.root.statics)
        Report = self.env["ir.actions.report"].with_user(self.billing_clerk)
        html = Report._render_qweb_html("hms_billing.action_report_desk_cash", report.ids)[0]
        html = html.decode()
        for text in ("Daily Cash Report", payment.name, self.cash.name, self.billing_clerk.name):
            self.assertIn(text, html)
        # Debian's wkhtmltopdf is built on an unpatched Qt: Odoo warns that headers are ignored.
        with mute_logger("odoo.addons.base.models.ir_actions_report"):
            pdf, kind = Report.with_context(force_report_rendering=True)._render_qweb_pdf(
                "hms_billing.action_report_desk_cash", report.ids
            )
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
