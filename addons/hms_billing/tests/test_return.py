from odoo.tests import Form, tagged

from odoo.addons.hms_pharmacy.tests.common import HmsPharmacyCommon

from .common import HmsBillingCase


@tagged("post_install", "-at_install")
class TestReturn(HmsBillingCase, HmsPharmacyCommon):
    """Medicines returned to the pharmacy are billed back, once."""

    def setUp(self):
        super().setUp()
        self.paracetamol.write({"lst_price": 0.5, "taxes_id": False})
        # 1 tablet 3 times a day for a week: 21 tablets, two whole boxes of 20.
        self.prescription = self.dispense(self.issued(self.line(self.paracetamol)))
        self.charge = self.dispense_charges(self.prescription)
        self.assertEqual((self.charge.quantity, self.charge.amount), (40.0, 20.0))

    def dispense_charges(self, prescription):
        items = self.env["hms.dispensed.item"].search([("prescription_id", "=", prescription.id)])
        return self.env["hms.charge"].search(
            [("res_model", "=", items._name), ("res_id", "in", items.ids)]
        )

    def return_units(self, quantity):
        picking = self.prescription.picking_ids.filtered(
            lambda p: p.picking_type_id.hms_is_pharmacy
        )[:1]
        wizard = Form(
            self.env["stock.return.picking"]
            .with_user(self.pharmacist)
            .with_context(active_id=picking.id, active_model="stock.picking")
        )
        with wizard.product_return_moves.edit(0) as return_line:
            return_line.quantity = quantity
        returned = wizard.save().action_create_returns()
        return_picking = self.env["stock.picking"].browse(returned["res_id"])
        return_picking.move_ids.picked = True
        return_picking.with_user(self.pharmacist).button_validate()
        return return_picking

    def credit_notes(self):
        return self.charge.return_credit_line_ids.move_id

    def test_return_before_invoicing_bills_fewer_units(self):
        self.return_units(5)
        self.assertEqual((self.charge.state, self.charge.quantity), ("to_bill", 35.0))
        self.assertEqual(self.charge.amount, 17.5)
        self.assertIn("5.0 returned", self.charge.note)
        self.assertFalse(self.credit_notes())
        self.assertEqual(len(self.dispense_charges(self.prescription)), 1, "no charge for a return")
        invoice = self.charge._hms_invoice()
        self.assertEqual(invoice.amount_total, 17.5)

    def test_everything_returned_before_invoicing_is_waived(self):
        self.return_units(40)
        self.assertEqual(self.charge.state, "waived")
        self.assertIn("40.0 returned", self.charge.note)
        self.assertFalse(self.credit_notes())

    def test_return_after_invoicing_credits_each_share_once(self):
        self.insure(coverage=80.0)
        invoices = self.charge._hms_invoice(post=True)
        payer = invoices.filtered(lambda m: m.hms_share == "payer")
        patient = invoices.filtered(lambda m: m.hms_share == "patient")
        self.assertEqual((payer.amount_total, patient.amount_total), (16.0, 4.0))
        self.return_units(5)
        credit_notes = self.credit_notes()
        self.assertEqual(len(credit_notes), 2, "one credit note per billed share, once")
        self.assertEqual(set(credit_notes.mapped("move_type")), {"out_refund"})
        self.assertEqual(set(credit_notes.mapped("state")), {"posted"})
        by_share = {move.hms_share: move for move in credit_notes}
        self.assertEqual(by_share["payer"].partner_id, self.insurer)
        self.assertEqual(by_share["payer"].amount_total, 2.0)
        self.assertEqual(by_share["patient"].partner_id, self.patient_a.partner_id)
        self.assertEqual(by_share["patient"].amount_total, 0.5)
        self.assertEqual(by_share["patient"].reversed_entry_id, patient)
        self.assertEqual(by_share["patient"].hms_patient_id, self.patient_a)
        # The open invoices are settled by their credit notes: less is due.
        self.assertEqual((payer.amount_residual, patient.amount_residual), (14.0, 3.5))
        # The charge stays invoiced, never billable again, and knows what was credited.
        self.assertEqual((self.charge.state, self.charge.credited_qty), ("invoiced", 5.0))
        self.assertEqual(self.charge.quantity, 40.0)
        # A second return credits its own units.
        self.return_units(35)
        self.assertEqual(len(self.credit_notes()), 4)
        self.assertEqual(self.charge.credited_qty, 40.0)
        self.assertEqual((payer.amount_residual, patient.amount_residual), (0.0, 0.0))
        self.assertEqual(
            sum(self.credit_notes().mapped("amount_total")), sum(invoices.mapped("amount_total"))
        )
