from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import HmsPharmacyCase


@tagged("post_install", "-at_install")
class TestPharmacyInventory(HmsPharmacyCase):
    def test_medicines_leave_first_expired_first_out(self):
        self.assertEqual(self.amoxicillin.categ_id.removal_strategy_id.method, "fefo")
        self.assertEqual(self.amoxicillin.tracking, "lot")
        self.assertTrue(self.amoxicillin.is_storable)

    def test_near_expiry_view_uses_the_clinic_setting(self):
        self.clinic_a.hms_near_expiry_days = 10
        action = (
            self.env["stock.quant"]
            .with_user(self.pharmacist)
            .with_company(self.clinic_a)
            .action_hms_near_expiry()
        )
        quants = self.env["stock.quant"].with_user(self.pharmacist).search(action["domain"])
        self.assertEqual(quants.lot_id, self.lot_expired | self.lot_soon)
        self.clinic_a.hms_near_expiry_days = 90
        action = self.env["stock.quant"].with_company(self.clinic_a).action_hms_near_expiry()
        self.assertIn(self.lot_next, self.env["stock.quant"].search(action["domain"]).lot_id)

    def test_expired_stock_is_scrapped_through_odoo_scrap(self):
        Quant = self.env["stock.quant"].with_user(self.pharmacist)
        expired = Quant.search(
            [("lot_id", "=", self.lot_expired.id), ("location_id", "=", self.stock_a.id)]
        )
        fresh = Quant.search(
            [("lot_id", "=", self.lot_late.id), ("location_id", "=", self.stock_a.id)]
        )
        with self.assertRaisesMessage(UserError, "expired stock only"):
            (expired | fresh).action_hms_scrap_expired()
        scraps = expired.action_hms_scrap_expired()
        self.assertEqual(scraps.state, "done")
        self.assertEqual(scraps.scrap_qty, 50)
        self.assertEqual(self.on_hand(self.lot_expired), 0)
        self.assertEqual(self.on_hand(self.lot_late), 100)

    def test_low_stock_alerts_from_reordering_rules(self):
        Orderpoint = self.env["stock.warehouse.orderpoint"]
        low = Orderpoint.create(
            {
                "product_id": self.amoxicillin.id,
                "location_id": self.stock_a.id,
                "product_min_qty": 500,
                "product_max_qty": 800,
                "company_id": self.clinic_a.id,
                "trigger": "manual",
            }
        )
        fine = Orderpoint.create(
            {
                "product_id": self.paracetamol.id,
                "location_id": self.stock_a.id,
                "product_min_qty": 10,
                "product_max_qty": 50,
                "company_id": self.clinic_a.id,
                "trigger": "manual",
            }
        )
        below = Orderpoint.search(
            [("hms_is_below_minimum", "=", True), ("id", "in", (low | fine).ids)]
        )
        self.assertEqual(below, low)
        Orderpoint._cron_hms_low_stock_alerts()
        activities = self.amoxicillin.product_tmpl_id.activity_ids
        self.assertEqual(activities.user_id, self.pharmacist)
        self.assertIn("Low stock", activities.summary)
        self.assertFalse(self.paracetamol.product_tmpl_id.activity_ids)
        Orderpoint._cron_hms_low_stock_alerts()
        self.assertEqual(len(self.amoxicillin.product_tmpl_id.activity_ids), 1, "no duplicates")

    def test_prescription_pdf_carries_a_qr_code_of_the_verification_page(self):
        prescription = self.issued(self.line(self.paracetamol))
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("hms_pharmacy.action_report_prescription", prescription.ids)[0]
            .decode()
        )
        token = prescription.sudo().verification_token
        self.assertGreaterEqual(len(token), 32)
        # assertTrue, not assertIn: a failure should not print a whole PDF page.
        for expected in (
            prescription.name,
            "LIC-A-1",  # the prescriber's licence
            f'alt="Barcode {prescription.get_base_url()}/rx/{token}"',  # the QR code
            'src="data:image/png;base64,',
            "Signature",
        ):
            self.assertTrue(expected in html, expected)
        self.assertTrue(fields.Datetime.now() - timedelta(minutes=5) < prescription.date_issued)
