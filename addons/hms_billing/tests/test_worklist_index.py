from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestWorklistIndex(TransactionCase):
    def test_the_charges_to_bill_have_their_own_index_in_the_worklist_order(self):
        self.env.cr.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'hms_charge_to_bill_index'"
        )
        (definition,) = self.env.cr.fetchone()
        # The clerk's clinic, then the model's order; only the charges still to bill.
        self.assertIn("(company_id, date DESC, id DESC)", definition)
        self.assertIn("WHERE ((state)::text = 'to_bill'::text)", definition)
        self.assertEqual(self.env["hms.charge"]._order, "date desc, id desc")
