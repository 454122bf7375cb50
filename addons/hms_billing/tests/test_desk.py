from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import HmsBillingCase


@tagged("post_install", "-at_install")
class TestDeskPayments(HmsBillingCase):
    """Payments at the front desk: journals, partial payments, deposits, refunds."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.clinic_a.hms_invoice_on_close = "posted"
        journals = cls.clinic_a._hms_desk_journals()
        cls.cash = journals.filtered(lambda j: j.type == "cash")
        cls.card = journals.filtered(lambda j: j.code == "CARD")

    def register(self, moves, user=None, **values):
        """The register-payment wizard of ``moves`` as ``user`` (the billing clerk)."""
        return (
            self.env["account.payment.register"]
            .with_user(user or self.billing_clerk)
            .with_context(active_model="account.move", active_ids=moves.ids)
            .create(values)
        )

    def payments_of(self, partner):
        return self.env["account.payment"].search([("partner_id", "=", partner.id)])

    def take_deposit(self, amount, user=None):
        """A deposit taken with the patient's "Take Deposit" form, posted."""
        user = user or self.billing_clerk
        action = self.patient_a.with_user(user).action_take_deposit()
        self.assertEqual(action["res_model"], "account.payment")
        with Form(
            self.env["account.payment"].with_user(user).with_context(action["context"])
        ) as form:
            form.amount = amount
        deposit = form.save()
        deposit.action_post()
        return deposit

    def test_each_clinic_has_cash_card_and_bank_journals_at_the_desk(self):
        for clinic in (self.clinic_a, self.clinic_b):
            with self.subTest(clinic=clinic.name):
                journals = clinic._hms_desk_journals()
                self.assertEqual(sorted(journals.mapped("type")), ["bank", "bank", "cash"])
                self.assertEqual(journals.company_id, clinic)
                self.assertIn("CARD", journals.mapped("code"))
        # Loading again (a chart reloaded, the module updated) creates nothing more.
        count = self.env["account.journal"].search_count([])
        (self.clinic_a | self.clinic_b)._hms_ensure_desk_journals()
        self.assertEqual(self.env["account.journal"].search_count([]), count)
        # A clinic gets them when its chart of accounts is loaded.
        clinic = self.env["res.company"].create({"name": "Test Clinic C", "hms_clinic_code": "TCC"})
        self.assertFalse(clinic._hms_desk_journals())
        self.env["account.chart.template"].try_loading("generic_coa", clinic, install_demo=False)
        self.assertEqual(len(clinic._hms_desk_journals()), 3)

    def test_partial_then_full_payment_at_the_desk(self):
        encounter = self.closed_encounter()
        invoice = self.charges_of(encounter).invoice_line_ids.move_id
        self.register(invoice, journal_id=self.card.id, amount=20.0)._create_payments()
        self.assertEqual(invoice.payment_state, "partial")
        self.assertEqual(invoice.amount_residual, 30.0)
        self.assertEqual(encounter.billing_state, "partial")
        self.assertEqual(self.patient_a.billing_state, "partial")
        self.register(invoice, journal_id=self.cash.id)._create_payments()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(encounter.billing_state, "paid")
        self.assertEqual(self.patient_a.billing_state, "paid")
        payments = self.payments_of(self.patient_a.partner_id)
        self.assertEqual(sorted(payments.mapped("amount")), [20.0, 30.0])
        self.assertEqual(payments.create_uid, self.billing_clerk)

    def test_a_payment_above_the_amount_due_is_refused(self):
        invoice = self.charges_of(self.closed_encounter()).invoice_line_ids.move_id
        wizard = self.register(invoice, journal_id=self.cash.id, amount=60.0)
        with self.assertRaisesMessage(UserError, "more than the .*50.00 due"):
            wizard._create_payments()
        with self.assertRaisesMessage(UserError, "more than"):
            self.register(invoice, journal_id=self.card.id, amount=50.01).action_create_payments()
        self.assertFalse(self.payments_of(self.patient_a.partner_id))
        self.assertEqual((invoice.payment_state, invoice.amount_residual), ("not_paid", 50.0))
        # Exactly the amount due is fine.
        self.register(invoice, journal_id=self.cash.id, amount=50.0)._create_payments()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))

    def test_a_deposit_pays_the_next_invoice(self):
        deposit = self.take_deposit(30.0)
        self.assertEqual(
            (deposit.partner_id, deposit.journal_id, deposit.hms_deposit, deposit.payment_type),
            (self.patient_a.partner_id, self.cash, True, "inbound"),
        )
        encounter = self.closed_encounter()
        invoice = self.charges_of(encounter).invoice_line_ids.move_id
        self.assertEqual((invoice.payment_state, invoice.amount_residual), ("partial", 20.0))
        self.assertEqual(encounter.billing_state, "partial")
        self.register(invoice, journal_id=self.cash.id)._create_payments()
        self.assertEqual(encounter.billing_state, "paid")

    def test_a_deposit_larger_than_the_invoice_stays_as_credit(self):
        self.take_deposit(80.0)
        invoice = self.charges_of(self.closed_encounter()).invoice_line_ids.move_id
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        credit = self.env["account.move.line"].search(
            [
                ("partner_id", "=", self.patient_a.partner_id.id),
                ("account_id.account_type", "=", "asset_receivable"),
                ("reconciled", "=", False),
                ("parent_state", "=", "posted"),
            ]
        )
        self.assertEqual(sum(credit.mapped("amount_residual")), -30.0)

    def test_deposits_wait_when_the_clinic_applies_them_by_hand(self):
        self.clinic_a.hms_apply_deposits = False
        self.take_deposit(30.0)
        invoice = self.charges_of(self.closed_encounter()).invoice_line_ids.move_id
        self.assertEqual(invoice.payment_state, "not_paid")
        self.assertTrue(invoice.invoice_has_outstanding)

    def test_refund_of_a_paid_invoice_at_the_desk(self):
        invoice = self.charges_of(self.closed_encounter()).invoice_line_ids.move_id
        self.register(invoice, journal_id=self.cash.id)._create_payments()
        reversal = (
            self.env["account.move.reversal"]
            .with_user(self.billing_clerk)
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "reason": "Service not given"})
        )
        credit_note = self.env["account.move"].browse(reversal.refund_moves()["res_id"])
        credit_note.with_user(self.billing_clerk).action_post()
        self.assertEqual(
            (credit_note.payment_state, credit_note.amount_residual), ("not_paid", 50.0)
        )
        with self.assertRaisesMessage(UserError, "more than"):
            self.register(credit_note, journal_id=self.cash.id, amount=70.0)._create_payments()
        refund = self.register(credit_note, journal_id=self.cash.id)._create_payments()
        self.assertEqual((refund.payment_type, refund.amount), ("outbound", 50.0))
        self.assertIn(credit_note.payment_state, ("paid", "in_payment"))

    def test_desk_payments_of_the_clerks_clinic_only(self):
        invoice_b = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "company_id": self.clinic_b.id,
                "partner_id": self.patient_a.partner_id.id,
                "invoice_line_ids": [(0, 0, {"name": "Visit", "price_unit": 10.0})],
            }
        )
        invoice_b.action_post()
        journal_b = self.clinic_b._hms_desk_journals()[:1]
        with mute_logger("odoo.addons.base.models.ir_rule"), self.assertRaises(AccessError):
            self.register(invoice_b, journal_id=journal_b.id)._create_payments()
        with mute_logger("odoo.addons.base.models.ir_rule"), self.assertRaises(AccessError):
            journal_b.with_user(self.billing_clerk).read(["name"])
        self.assertEqual(invoice_b.payment_state, "not_paid")
        # Clinical staff and the front desk register no payment.
        invoice = self.charges_of(self.closed_encounter()).invoice_line_ids.move_id
        for role in ("doctor", "nurse", "receptionist"):
            with (
                self.subTest(role=role),
                mute_logger("odoo.addons.base.models.ir_model"),
                self.assertRaises(AccessError),
            ):
                self.register(invoice, user=self.users[role])._create_payments()
        self.assertEqual(invoice.payment_state, "not_paid")

    def test_payments_of_another_clinic_stay_hidden(self):
        journal_b = self.clinic_b._hms_desk_journals().filtered(lambda j: j.type == "cash")
        payment_b = self.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": self.patient_a.partner_id.id,
                "journal_id": journal_b.id,
                "amount": 10.0,
            }
        )
        payment_b.action_post()
        Payment = self.env["account.payment"].with_user(self.billing_clerk)
        self.assertFalse(Payment.search([("id", "=", payment_b.id)]))
        with mute_logger("odoo.addons.base.models.ir_rule"), self.assertRaises(AccessError):
            payment_b.with_user(self.billing_clerk).read(["amount"])
        # Doctors and nurses see the billing state, not the payments.
        deposit = self.take_deposit(10.0)
        self.assertEqual(
            Payment.search([("partner_id", "=", self.patient_a.partner_id.id)]), deposit
        )
        for role in ("doctor", "nurse", "receptionist"):
            with (
                self.subTest(role=role),
                mute_logger("odoo.addons.base.models.ir_model"),
                self.assertRaises(AccessError),
            ):
                deposit.with_user(self.users[role]).read(["amount"])
