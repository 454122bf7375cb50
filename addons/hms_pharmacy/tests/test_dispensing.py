from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import HmsPharmacyCase


@tagged("post_install", "-at_install")
class TestDispensing(HmsPharmacyCase):
    def test_queue_steps_are_timestamped_and_make_a_picking(self):
        prescription = self.issued(self.line(self.amoxicillin, duration_days=7))
        activity = prescription.activity_ids
        self.assertEqual(activity.user_id, self.pharmacist, "the clinic's pharmacist is told")
        rx = prescription.with_user(self.pharmacist)
        with self.assertRaisesMessage(UserError, "Verify"):
            rx.action_prepare()
        rx.action_verify()
        self.assertEqual((rx.queue_step, rx.verified_by_id), ("verified", self.pharmacist))
        with self.assertRaisesMessage(UserError, "Prepare"):
            rx.action_hand_over()
        rx.action_prepare()
        self.assertEqual(rx.queue_step, "prepared")
        picking = rx.picking_ids
        self.assertEqual(picking.state, "assigned")
        self.assertEqual(picking.picking_type_id, self.clinic_a._hms_pharmacy_picking_type())
        self.assertTrue(picking.picking_type_id.hms_is_pharmacy)
        self.assertEqual(picking.location_dest_id, self.env.ref("hms_pharmacy.location_patients"))
        self.assertEqual(picking.partner_id, self.patient_a.partner_id)
        rx.action_hand_over()
        self.assertEqual(picking.state, "done")
        self.assertEqual(rx.state, "dispensed")
        self.assertEqual(rx.queue_step, "handed_over")
        self.assertTrue(rx.verified_date <= rx.prepared_date <= rx.handed_over_date)
        self.assertEqual(rx.handed_over_by_id, self.pharmacist)
        self.assertFalse(prescription.activity_ids, "the to-do is done")
        self.assertEqual(rx._hms_verification_status(), "Dispensed")

    def test_fefo_skips_expired_lots_and_lots_that_end_before_the_course(self):
        # A 7-day course: the expired lot and the one expiring in 5 days are not used; FEFO
        # takes the 60-day lot before the 400-day one.
        prescription = self.dispense(self.issued(self.line(self.amoxicillin, duration_days=7)))
        move_lines = prescription.picking_ids.move_line_ids
        self.assertEqual(move_lines.lot_id, self.lot_next)
        self.assertEqual(self.on_hand(self.lot_next), 42 - 21)
        self.assertEqual(self.on_hand(self.lot_soon), 30)
        self.assertEqual(self.on_hand(self.lot_expired), 50)

    def test_lots_are_combined_fefo_when_one_is_not_enough(self):
        prescription = self.dispense(
            self.issued(self.line(self.amoxicillin, frequency_value=4, duration_days=12))
        )
        self.assertEqual(prescription.line_ids.qty_dispensed, 63)
        self.assertEqual(self.on_hand(self.lot_next), 0)
        self.assertEqual(self.on_hand(self.lot_late), 100 - 21)

    def test_a_short_course_may_use_the_lot_that_expires_soon(self):
        prescription = self.dispense(
            self.issued(self.line(self.amoxicillin, duration_days=3, quantity=21))
        )
        self.assertEqual(prescription.picking_ids.move_line_ids.lot_id, self.lot_soon)

    def test_not_enough_usable_stock_is_refused_and_nothing_is_written(self):
        # 210 capsules for 90 days: only the 400-day lot (100) lasts the course.
        prescription = self.issued(
            self.line(self.amoxicillin, frequency_value=1, duration_days=90, quantity=210)
        )
        rx = prescription.with_user(self.pharmacist)
        rx.action_verify()
        quants_before = self.env["stock.quant"].search([("product_id", "=", self.amoxicillin.id)])
        before = [(q.quantity, q.reserved_quantity) for q in quants_before]
        with self.assertRaisesMessage(UserError, "100.0 of 210.0 in lots valid for 90 days"):
            rx.action_prepare()
        self.assertFalse(rx.picking_ids)
        self.assertEqual(rx.queue_step, "verified")
        self.assertEqual([(q.quantity, q.reserved_quantity) for q in quants_before], before)

    def test_partial_dispensing_keeps_a_ledger_and_dispenses_the_rest_later(self):
        prescription = self.issued(
            self.line(self.ibuprofen, frequency_value=2, duration_days=20, refills=1)
        )
        line = prescription.line_ids.with_user(self.pharmacist)
        self.assertEqual((line.quantity, line.qty_prescribed), (48, 96))
        self.assertEqual(line.qty_to_dispense, 48)
        line.qty_to_dispense = 24
        self.dispense(prescription)
        self.assertEqual((line.qty_dispensed, line.qty_owed, line.refills_used), (24, 72, 0))
        self.assertEqual(prescription.state, "partially_dispensed")
        self.assertEqual(prescription.queue_step, "to_verify", "back in the queue for the rest")
        self.assertEqual(line.qty_to_dispense, 48)
        self.dispense(prescription)
        self.assertEqual((line.qty_dispensed, line.qty_owed, line.refills_used), (72, 24, 1))
        self.dispense(prescription)
        self.assertEqual((line.qty_dispensed, line.qty_owed), (96, 0))
        self.assertEqual(prescription.state, "dispensed")
        self.assertEqual(len(prescription.picking_ids), 3)

    def test_more_than_owed_is_refused(self):
        prescription = self.issued(self.line(self.paracetamol))
        line = prescription.line_ids.with_user(self.pharmacist)
        self.assertEqual((line.qty_owed, line.qty_to_dispense), (40, 40))
        with self.assertRaisesMessage(ValidationError, "is owed"):
            line.qty_to_dispense = 41
        with self.assertRaisesMessage(ValidationError, "is owed"):
            line.qty_to_dispense = -1
        self.assertEqual(line.qty_to_dispense, 40)

    def test_cancelled_or_expired_prescriptions_are_not_dispensed(self):
        cancelled = self.issued(self.line(self.paracetamol))
        cancelled.action_cancel()
        with self.assertRaisesMessage(UserError, "cannot be dispensed: it is Cancelled"):
            cancelled.with_user(self.pharmacist).action_verify()
        expiring = self.issued(self.line(self.paracetamol))
        expiring.with_user(self.pharmacist).action_verify()
        with freeze_time(fields.Date.today() + timedelta(days=31)):
            with self.assertRaisesMessage(UserError, "cannot be dispensed: it is expired"):
                expiring.with_user(self.pharmacist).action_prepare()
        self.assertFalse(expiring.sudo().picking_ids)

    def test_only_pharmacists_dispense(self):
        prescription = self.issued(self.line(self.paracetamol))
        with mute_logger("odoo.models"), self.assertRaises(AccessError):
            prescription.with_user(self.doctor).action_verify()

    def test_dispensed_items_are_billable_once_with_a_stable_reference(self):
        prescription = self.dispense(
            self.issued(self.line(self.amoxicillin, frequency_value=4, duration_days=12))
        )
        items = self.env["hms.dispensed.item"].search([("prescription_id", "=", prescription.id)])
        self.assertEqual(len(items), 2, "one item per lot")
        self.assertEqual(sum(items.mapped("quantity")), 63)
        self.assertEqual(items.patient_id, self.patient_a)
        self.assertEqual(items.encounter_id, prescription.encounter_id)
        self.assertEqual(items.company_id, self.clinic_a)
        self.assertEqual(items.lot_id, self.lot_next | self.lot_late)
        self.assertEqual(
            sorted(items.mapped("reference")),
            sorted(f"RXD-{ml.id}" for ml in prescription.picking_ids.move_line_ids),
        )
        self.assertEqual(items[0].amount, items[0].quantity * 0.5)
        with self.assertRaisesMessage(UserError, "append-only"):
            items[0].quantity = 1
        with self.assertRaisesMessage(UserError, "append-only"):
            items.unlink()

    def test_returns_go_through_odoo_return_picking(self):
        prescription = self.dispense(self.issued(self.line(self.paracetamol)))
        picking = prescription.picking_ids
        wizard = Form(
            self.env["stock.return.picking"]
            .with_user(self.pharmacist)
            .with_context(active_id=picking.id, active_model="stock.picking")
        )
        with wizard.product_return_moves.edit(0) as return_line:
            return_line.quantity = 5
        returned = wizard.save().action_create_returns()
        return_picking = self.env["stock.picking"].browse(returned["res_id"])
        return_picking.move_ids.picked = True
        return_picking.with_user(self.pharmacist).button_validate()
        line = prescription.line_ids
        self.assertEqual((line.qty_dispensed, line.qty_owed), (35, 5))
        self.assertEqual(prescription.state, "partially_dispensed")
        items = self.env["hms.dispensed.item"].search([("prescription_id", "=", prescription.id)])
        self.assertEqual(sorted(items.mapped("quantity")), [-5, 40])
        self.assertTrue(items.filtered("is_return"))

    def test_a_lot_of_another_product_is_refused(self):
        prescription = self.issued(self.line(self.paracetamol))
        rx = prescription.with_user(self.pharmacist)
        rx.action_verify()
        rx.action_prepare()
        with self.assertRaises(ValidationError):
            rx.picking_ids.move_line_ids.lot_id = self.lot_late
        self.assertEqual(rx.picking_ids.move_line_ids.product_id, self.paracetamol)

    def test_stock_of_another_clinic_is_not_used(self):
        self.lot_b = self._stock(
            self.paracetamol,
            "PARA-B",
            fields.Datetime.now() + timedelta(days=300),
            500,
            location=self.stock_b,
        )
        self.env["stock.quant"]._update_available_quantity(
            self.paracetamol,
            self.stock_a,
            -200,
            lot_id=self.env["stock.lot"].search([("name", "=", "N02BE01-1")]),
        )
        prescription = self.issued(self.line(self.paracetamol))
        rx = prescription.with_user(self.pharmacist)
        rx.action_verify()
        with self.assertRaisesMessage(UserError, "Not enough stock"):
            rx.action_prepare()
        self.assertEqual(self.on_hand(self.lot_b, self.stock_b), 500)

    def test_pharmacist_of_another_clinic_cannot_dispense(self):
        pharmacist_b = self._hms_user(
            "hms_test_pharmacist_b", "hms_base.group_hms_pharmacist", self.clinic_b
        )
        prescription = self.issued(self.line(self.paracetamol))
        with mute_logger("odoo.addons.base.models.ir_rule"), self.assertRaises(AccessError):
            prescription.with_user(pharmacist_b).action_verify()
        self.assertFalse(prescription.verified_by_id)
