from odoo import Command
from odoo.tests import Form, tagged

from odoo.addons.hms_lab.tests.common import HmsLabCommon
from odoo.addons.hms_pharmacy.tests.common import HmsPharmacyCommon

from .common import HmsBillingCase


@tagged("post_install", "-at_install")
class TestPricelist(HmsBillingCase, HmsPharmacyCommon, HmsLabCommon):
    """Charges are priced through the patient's pricelist, else the clinic's default one."""

    def setUp(self):
        super().setUp()
        self.clinic_a.hms_invoice_on_close = "manual"
        self.lab_price = self.env["product.product"].create(
            {"name": "Haemoglobin test", "type": "service", "list_price": 8.0}
        )
        self.test_hgb.product_id = self.lab_price
        self.paracetamol.lst_price = 0.5
        # The clinic's rates: 25 % off lab tests, 40.0 for a consultation, 0.4 a tablet.
        self.clinic_rates = self.pricelist(
            "Clinic A rates",
            self.clinic_a,
            (self.lab_price, "percentage", 25),
            (self.fee, "fixed", 40.0),
            (self.paracetamol, "fixed", 0.4),
        )

    def pricelist(self, name, company, *rules):
        items = []
        for product, compute_price, value in rules:
            field = "percent_price" if compute_price == "percentage" else "fixed_price"
            items.append(
                Command.create(
                    {
                        "applied_on": "0_product_variant",
                        "product_id": product.id,
                        "compute_price": compute_price,
                        field: value,
                    }
                )
            )
        return self.env["product.pricelist"].create(
            {"name": name, "company_id": company.id, "item_ids": items}
        )

    def charge_of(self, record, code):
        return self.env["hms.charge"].search(
            [("res_model", "=", record._name), ("res_id", "in", record.ids), ("code", "=", code)]
        )

    def all_charges(self):
        """The consultation, lab test and dispensed medicine charges of one visit."""
        consultation = self.charges_of(self.closed_encounter())
        order = self.released()
        lab = self.charge_of(self.result(order, self.test_hgb), "lab_test")
        prescription = self.dispense(self.issued(self.line(self.paracetamol)))
        items = self.env["hms.dispensed.item"].search([("prescription_id", "=", prescription.id)])
        return consultation, lab, self.charge_of(items, "dispense")

    def test_without_pricelist_the_sales_price(self):
        consultation, lab, medicine = self.all_charges()
        self.assertEqual(consultation.price_unit, 50.0)
        self.assertEqual(lab.price_unit, 8.0)
        self.assertEqual(medicine.mapped("price_unit"), [0.5] * len(medicine))

    def test_clinic_pricelist_prices_every_charge(self):
        settings = Form(self.env["res.config.settings"].with_company(self.clinic_a))
        settings.hms_pricelist_id = self.clinic_rates
        settings.save().execute()
        self.assertEqual(self.clinic_a.hms_pricelist_id, self.clinic_rates)
        consultation, lab, medicine = self.all_charges()
        self.assertEqual(consultation.price_unit, 40.0)
        self.assertEqual((lab.price_unit, lab.amount), (6.0, 6.0))
        self.assertTrue(medicine)
        self.assertEqual(medicine.mapped("price_unit"), [0.4] * len(medicine))
        # The invoice bills the pricelist's price.
        invoice = consultation._hms_invoice()
        self.assertEqual(invoice.amount_total, 40.0)

    def test_patient_pricelist_comes_before_the_clinic(self):
        self.clinic_a.hms_pricelist_id = self.clinic_rates
        staff_rates = self.pricelist("Staff", self.clinic_a, (self.fee, "percentage", 50))
        partner = self.patient_a.partner_id
        partner.with_company(self.clinic_a).specific_property_product_pricelist = staff_rates
        # Another clinic's choice for the patient does not count at clinic A.
        partner.with_company(
            self.clinic_b
        ).specific_property_product_pricelist = self.clinic_rates.copy(
            {"company_id": self.clinic_b.id}
        )
        consultation = self.charges_of(self.closed_encounter())
        self.assertEqual(consultation.price_unit, 25.0)
        Charge = self.env["hms.charge"]
        self.assertEqual(Charge._hms_price(self.fee, self.patient_a, self.clinic_a), 25.0)
        self.assertEqual(Charge._hms_price(self.fee, self.patient_b, self.clinic_a), 40.0)
        self.assertEqual(Charge._hms_price(self.fee, self.patient_b, self.clinic_b), 50.0)
        # No product of the patient's pricelist: its own price rules (the list price) apply.
        self.assertEqual(Charge._hms_price(self.lab_price, self.patient_a, self.clinic_a), 8.0)

    def test_billing_clerks_work_with_pricelists(self):
        self.assertTrue(self.billing_clerk.has_group("product.group_product_pricelist"))
        self.assertFalse(self.users["nurse"].has_group("product.group_product_pricelist"))
