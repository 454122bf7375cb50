from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import HmsBillingCase


@tagged("post_install", "-at_install")
class TestInvoice(HmsBillingCase):
    def test_closing_makes_a_draft_invoice_for_the_patient(self):
        encounter = self.closed_encounter()
        charge = self.charges_of(encounter)
        invoice = charge.invoice_line_ids.move_id
        self.assertEqual(len(invoice), 1)
        self.assertEqual(invoice.state, "draft")
        self.assertEqual(invoice.partner_id, self.patient_a.partner_id)
        self.assertEqual((invoice.hms_patient_id, invoice.hms_share), (self.patient_a, "patient"))
        self.assertEqual(invoice.amount_total, 50.0)
        self.assertEqual(charge.state, "invoiced")
        self.assertEqual(encounter.billing_state, "invoiced")
        with self.assertRaisesMessage(UserError, "Nothing to invoice"):
            charge._hms_invoice()

    def test_insurance_splits_the_bill(self):
        self.clinic_a.hms_invoice_on_close = "posted"
        self.insure(coverage=80.0)
        encounter = self.closed_encounter()
        invoices = self.charges_of(encounter).invoice_line_ids.move_id
        payer = invoices.filtered(lambda m: m.hms_share == "payer")
        patient = invoices.filtered(lambda m: m.hms_share == "patient")
        self.assertEqual((payer.partner_id, payer.amount_total), (self.insurer, 40.0))
        self.assertEqual(
            (patient.partner_id, patient.amount_total), (self.patient_a.partner_id, 10.0)
        )
        self.assertEqual(set(invoices.mapped("state")), {"posted"})
        self.assertIn("PM-1", payer.invoice_line_ids.name)

    def test_a_policy_not_valid_on_the_day_of_service_is_not_billed(self):
        self.insure(coverage=100.0, date_end="2021-12-31")
        invoice = self.charges_of(self.closed_encounter()).invoice_line_ids.move_id
        self.assertEqual(
            (invoice.partner_id, invoice.amount_total), (self.patient_a.partner_id, 50.0)
        )

    def test_credit_note_makes_charges_billable_again_once(self):
        self.clinic_a.hms_invoice_on_close = "posted"
        encounter = self.closed_encounter()
        charge = self.charges_of(encounter)
        invoice = charge.invoice_line_ids.move_id
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "reason": "Billed in error"})
        )
        reversal.refund_moves()
        credit_note = invoice.reversal_move_ids
        credit_note.action_post()
        self.assertEqual(credit_note.invoice_line_ids.hms_charge_ids, charge)
        self.assertEqual(charge.state, "to_bill")
        self.assertEqual(encounter.billing_state, "to_bill")
        again = charge._hms_invoice(post=True)
        self.assertEqual(charge.state, "invoiced")
        self.assertEqual(again.amount_total, 50.0)
        with self.assertRaisesMessage(UserError, "Nothing to invoice"):
            charge._hms_invoice()

    def test_payment_status_on_the_encounter(self):
        self.clinic_a.hms_invoice_on_close = "posted"
        encounter = self.closed_encounter()
        invoice = self.charges_of(encounter).invoice_line_ids.move_id
        register = self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        )
        register.create({"amount": 20.0})._create_payments()
        self.assertEqual(encounter.billing_state, "partial")
        register.create({"amount": 30.0})._create_payments()
        self.assertEqual(invoice.payment_state, "paid")
        self.assertEqual(encounter.billing_state, "paid")
        self.assertEqual(self.patient_a.billing_state, "paid")

    def test_overdue(self):
        self.clinic_a.hms_invoice_on_close = "posted"
        encounter = self.closed_encounter()
        with freeze_time("2099-01-01"):
            encounter.invalidate_recordset(["billing_state"])
            self.assertEqual(encounter.billing_state, "overdue")

    def test_settings_choose_what_closing_does(self):
        settings = Form(self.env["res.config.settings"].with_company(self.clinic_a))
        settings.hms_invoice_on_close = "manual"
        settings.save().execute()
        self.assertEqual(self.clinic_a.hms_invoice_on_close, "manual")
        encounter = self.closed_encounter()
        self.assertEqual(self.charges_of(encounter).state, "to_bill")
        self.assertEqual(encounter.billing_state, "to_bill")
