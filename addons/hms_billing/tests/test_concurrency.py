import uuid

from psycopg2 import errors

from odoo import SUPERUSER_ID, api
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestBillingConcurrency(TransactionCase):
    """Two clerks (two transactions) at the same moment: one event is charged and billed once.

    Runs on committed demo data, with real cursors, and removes what it committed.
    """

    def _env(self, cr):
        return api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})

    def setUp(self):
        super().setUp()
        encounter = self.env["hms.encounter"].search([("state", "=", "closed")], limit=1)
        if not encounter:
            self.skipTest("needs the demo consultations")
        self.code = f"test-{uuid.uuid4().hex[:8]}"
        self.vals = {
            "res_model": "hms.encounter",
            "res_id": encounter.id,
            "code": self.code,
            "name": "Dressing",
            "patient_id": encounter.patient_id.id,
            "encounter_id": encounter.id,
            "company_id": encounter.company_id.id,
            "product_id": encounter.practitioner_id.consultation_product_id.id,
            "price_unit": 12.0,
        }
        self.addCleanup(self._purge)

    def _purge(self):
        with self.registry.cursor() as cr:
            env = self._env(cr)
            charges = env["hms.charge"].search([("code", "=", self.code)])
            moves = charges.invoice_line_ids.move_id
            moves.filtered(lambda m: m.state == "posted").button_draft()
            moves.unlink()
            cr.execute("DELETE FROM hms_charge WHERE code = %s", [self.code])

    def _count(self):
        with self.registry.cursor() as cr:
            cr.execute("SELECT count(*) FROM hms_charge WHERE code = %s", [self.code])
            return cr.fetchone()[0]

    def test_two_transactions_record_the_same_event_once(self):
        with self.registry.cursor() as cr1, self.registry.cursor() as cr2:
            env1, env2 = self._env(cr1), self._env(cr2)
            # The second transaction's snapshot is taken first: it never sees the first charge.
            self.assertFalse(env2["hms.charge"].search([("code", "=", self.code)]))
            first = env1["hms.charge"]._hms_record([self.vals])
            cr1.commit()
            with mute_logger("odoo.sql_db"):
                second = env2["hms.charge"]._hms_record([self.vals])
            # The unique constraint refused the duplicate in a savepoint: the second
            # transaction goes on (and commits) without a second charge.
            self.assertFalse(second)
            env2["res.partner"].search([], limit=1)
            cr2.commit()
        self.assertTrue(first)
        self.assertEqual(self._count(), 1)

    def test_two_transactions_invoicing_the_same_charge_make_one_invoice(self):
        with self.registry.cursor() as cr:
            charge_id = self._env(cr)["hms.charge"]._hms_record([self.vals]).id
        with self.registry.cursor() as cr1, self.registry.cursor() as cr2:
            env1, env2 = self._env(cr1), self._env(cr2)
            charge2 = env2["hms.charge"].browse(charge_id)
            self.assertEqual(charge2.state, "to_bill")  # the snapshot of the second clerk
            invoice = env1["hms.charge"].browse(charge_id)._hms_invoice()
            cr1.commit()
            # The second clerk waits for the first one's lock, then PostgreSQL refuses to let
            # it invoice from its stale snapshot; the server retries such a request ...
            with mute_logger("odoo.sql_db"), self.assertRaises(errors.SerializationFailure):
                charge2._hms_invoice()
            cr2.rollback()
        # ... and the retry finds the charge invoiced.
        with self.registry.cursor() as cr:
            charge = self._env(cr)["hms.charge"].browse(charge_id)
            with self.assertRaises(UserError):
                charge._hms_invoice()
            self.assertEqual(charge.invoice_line_ids.move_id.ids, invoice.ids)


@tagged("post_install", "-at_install")
class TestPaymentConcurrency(TransactionCase):
    """One online payment confirmed by two transactions at once (the return page and the
    webhook, say) creates one payment: Odoo's payment flow writes the transaction and
    reconciles the invoice, so the later of two concurrent confirmations fails to serialize
    and, retried as the server retries a request, finds the payment made.

    Runs on committed demo data, with real cursors, and removes what it committed.
    """

    def _env(self, cr):
        return api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})

    def setUp(self):
        super().setUp()
        encounter = self.env["hms.encounter"].search([("state", "=", "closed")], limit=1)
        if not encounter or not encounter.practitioner_id.consultation_product_id:
            self.skipTest("needs the demo consultations")
        self.code = f"test-{uuid.uuid4().hex[:8]}"
        self.addCleanup(self._purge)
        with self.registry.cursor() as cr:
            env = self._env(cr)
            charge = env["hms.charge"]._hms_record(
                [
                    {
                        "res_model": "hms.encounter",
                        "res_id": encounter.id,
                        "code": self.code,
                        "name": "Dressing",
                        "patient_id": encounter.patient_id.id,
                        "encounter_id": encounter.id,
                        "company_id": encounter.company_id.id,
                        "product_id": encounter.practitioner_id.consultation_product_id.id,
                        "price_unit": 12.0,
                    }
                ]
            )
            invoices = charge._hms_invoice(post=True)
            invoice = invoices.filtered(lambda m: m.hms_share == "patient") or invoices[:1]
            provider = env.ref("payment.payment_provider_demo").copy(
                {"company_id": invoice.company_id.id, "state": "test"}
            )
            self.tx_id = (
                env["payment.transaction"]
                .create(
                    {
                        "provider_id": provider.id,
                        "payment_method_id": env.ref("payment_demo.payment_method_demo").id,
                        "amount": invoice.amount_residual,
                        "currency_id": invoice.currency_id.id,
                        "partner_id": invoice.partner_id.id,
                        "invoice_ids": [(6, 0, invoice.ids)],
                        "reference": self.code,
                        "operation": "online_direct",
                    }
                )
                .id
            )

    def _purge(self):
        with self.registry.cursor() as cr:
            env = self._env(cr)
            txs = env["payment.transaction"].search([("reference", "=", self.code)])
            payments = env["account.payment"].search([("payment_transaction_id", "in", txs.ids)])
            payments.action_draft()
            payments.unlink()
            charges = env["hms.charge"].search([("code", "=", self.code)])
            moves = charges.invoice_line_ids.move_id
            moves.filtered(lambda m: m.state == "posted").button_draft()
            moves.unlink()
            providers = txs.provider_id
            txs.unlink()
            providers.unlink()
            cr.execute("DELETE FROM hms_charge WHERE code = %s", [self.code])

    def _confirm(self, env):
        """What the return page, the webhook and the post-processing cron each do."""
        notification = {"reference": self.code, "simulated_state": "done"}
        env["payment.transaction"]._handle_notification_data("demo", notification)
        env["payment.transaction"].browse(self.tx_id)._post_process()
        env.flush_all()

    def test_two_transactions_confirming_one_payment_make_one_payment(self):
        with self.registry.cursor() as cr1, self.registry.cursor() as cr2:
            env1, env2 = self._env(cr1), self._env(cr2)
            # The second confirmation's snapshot is taken first: the transaction is pending.
            self.assertEqual(env2["payment.transaction"].browse(self.tx_id).state, "draft")
            self._confirm(env1)
            cr1.commit()
            with mute_logger("odoo.sql_db"), self.assertRaises(errors.SerializationFailure):
                self._confirm(env2)
            cr2.rollback()
            env2.invalidate_all()
            # The server retries the request: the retry finds the payment made.
            self._confirm(env2)
            cr2.commit()
        with self.registry.cursor() as cr:
            env = self._env(cr)
            tx = env["payment.transaction"].browse(self.tx_id)
            payments = env["account.payment"].search([("payment_transaction_id", "=", tx.id)])
            self.assertEqual(tx.state, "done")
            self.assertEqual(len(payments), 1)
            self.assertEqual(tx.payment_id, payments)
            self.assertEqual(payments.amount, tx.amount)
            self.assertEqual(tx.invoice_ids.payment_state, "paid")
            self.assertEqual(len(tx.invoice_ids.line_ids.matched_credit_ids), 1)
