from odoo.tests import tagged

from odoo.addons.hms_lab.tests.common import HmsLabCommon
from odoo.addons.hms_pharmacy.tests.common import HmsPharmacyCommon

from .common import HmsBillingCase


@tagged("post_install", "-at_install")
class TestChargeSources(HmsBillingCase, HmsPharmacyCommon, HmsLabCommon):
    """The consultation's other billable events: dispensed medicines and performed tests."""

    def test_each_dispensed_item_is_charged_once(self):
        self.paracetamol.lst_price = 0.5
        prescription = self.issued(self.line(self.paracetamol, dose=2))
        self.dispense(prescription)
        items = self.env["hms.dispensed.item"].search([("prescription_id", "=", prescription.id)])
        self.assertTrue(items)
        charges = self.env["hms.charge"].search([("res_model", "=", "hms.dispensed.item")])
        charges = charges.filtered(lambda c: c.res_id in items.ids)
        self.assertEqual(len(charges), len(items))
        self.assertEqual(sum(charges.mapped("quantity")), sum(items.mapped("quantity")))
        self.assertEqual(charges.mapped("price_unit"), [0.5] * len(charges))
        self.assertEqual(charges.patient_id, self.patient_a)
        self.assertEqual(charges.encounter_id, prescription.encounter_id)
        self.assertEqual(set(charges.mapped("state")), {"to_bill"})
        # Recording the same items again (a retried request) charges nothing more.
        self.assertEqual(items._hms_charge(), charges)
        self.assertEqual(
            self.env["hms.charge"].search_count(
                [("res_model", "=", "hms.dispensed.item"), ("res_id", "in", items.ids)]
            ),
            len(items),
        )

    def test_each_released_test_is_charged_once(self):
        price = self.env["product.product"].create(
            {"name": "Haemoglobin test", "type": "service", "list_price": 8.0}
        )
        self.test_hgb.product_id = price
        order = self.released()
        charge = self.env["hms.charge"].search(
            [("res_model", "=", "hms.lab.result"), ("res_id", "in", order.result_ids.ids)]
        )
        self.assertEqual(charge.product_id, price, "only the tests with a price are charged")
        self.assertEqual((charge.amount, charge.encounter_id), (8.0, order.encounter_id))
        result = self.result(order, self.test_hgb).sudo()
        # Released again (after an amendment, say): still one charge.
        result._hms_release(result.date_released)
        self.assertEqual(
            self.env["hms.charge"].search_count(
                [("res_model", "=", "hms.lab.result"), ("res_id", "=", result.id)]
            ),
            1,
        )
