from odoo.tests import tagged

from .common import HmsBillingCase


@tagged("post_install", "-at_install")
class TestOnlinePayment(HmsBillingCase):
    """Pay Now: Odoo's payment flow on a patient invoice, with the demo provider."""

    def test_a_payment_confirmed_several_times_settles_once(self):
        self.clinic_a.hms_invoice_on_close = "posted"
        invoice = self.charges_of(self.closed_encounter()).invoice_line_ids.move_id
        provider = (
            self.env.ref("payment.payment_provider_demo")
            .sudo()
            .copy({"company_id": self.clinic_a.id, "state": "test"})
        )
        tx = (
            self.env["payment.transaction"]
            .sudo()
            .create(
                {
                    "provider_id": provider.id,
                    "payment_method_id": self.env.ref("payment_demo.payment_method_demo").id,
                    "amount": invoice.amount_residual,
                    "currency_id": invoice.currency_id.id,
                    "partner_id": invoice.partner_id.id,
                    "invoice_ids": [(6, 0, invoice.ids)],
                    "reference": f"{invoice.name}-demo",
                    "operation": "online_direct",
                }
            )
        )
        notification = {"reference": tx.reference, "simulated_state": "done"}
        # The return page, the webhook and the post-processing cron all confirm it.
        for _confirmation in range(3):
            self.env["payment.transaction"].sudo()._handle_notification_data("demo", notification)
            tx._post_process()
        self.assertEqual(tx.state, "done")
        payments = self.env["account.payment"].search([("payment_transaction_id", "=", tx.id)])
        self.assertEqual(len(payments), 1)
        self.assertEqual(payments.amount, 50.0)
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(invoice.hms_patient_id.billing_state, "paid")
