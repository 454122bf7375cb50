from datetime import timedelta

from psycopg2 import errors

from odoo import SUPERUSER_ID, Command, api, fields
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

LOT_SIZE = 10


@tagged("post_install", "-at_install")
class TestTwoPharmacistsOnTheLastUnits(TransactionCase):
    """Two transactions dispense the last units of a lot: one succeeds, the other is told why,
    and the stock never goes negative. The data is committed (two cursors see it) and purged."""

    def _env(self, cr):
        return api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})

    def setUp(self):
        super().setUp()
        self.ids = {}
        with self.registry.cursor() as cr:
            env = self._env(cr)
            patients = [
                env.ref(xmlid, raise_if_not_found=False)
                for xmlid in ("hms_patient.patient_john_carter", "hms_patient.patient_maria_lopez")
            ]
            practitioner = env.ref("hms_base.practitioner_hart", raise_if_not_found=False)
            if (
                not all(patients)
                or not practitioner
                or patients[0].company_id != patients[1].company_id
            ):
                self.skipTest("needs two demo patients of one clinic and a demo practitioner")
            clinic = patients[0].company_id
            template = env["product.template"].create(
                {
                    "name": "Concurrency test tablets",
                    "categ_id": env.ref("hms_pharmacy.product_category_medicines").id,
                    "is_storable": True,
                    "tracking": "lot",
                    "use_expiration_date": True,
                    "hms_is_medicine": True,
                    "hms_dose_unit": "tablet",
                    "hms_pack_size": LOT_SIZE,
                }
            )
            product = template.product_variant_id
            location = clinic._hms_pharmacy_picking_type().default_location_src_id
            lot = env["stock.lot"].create(
                {
                    "name": "CONCURRENCY-1",
                    "product_id": product.id,
                    "company_id": clinic.id,
                    "expiration_date": fields.Datetime.now() + timedelta(days=365),
                }
            )
            env["stock.quant"]._update_available_quantity(product, location, LOT_SIZE, lot_id=lot)
            prescriptions = env["hms.prescription"].create(
                [
                    {
                        "patient_id": patient.id,
                        "practitioner_id": practitioner.id,
                        "company_id": clinic.id,
                        "line_ids": [
                            Command.create(
                                {
                                    "product_id": product.id,
                                    "dose": 1,
                                    "frequency_value": 1,
                                    "duration_days": LOT_SIZE,
                                }
                            )
                        ],
                    }
                    for patient in patients
                ]
            )
            prescriptions.action_issue()
            prescriptions.action_verify()
            # A pharmacist waits this long for another one's dispensing (the test's patience).
            env["ir.config_parameter"].set_param("hms_pharmacy.stock_lock_timeout_ms", 300)
            self.ids = {
                "template": template.id,
                "product": product.id,
                "lot": lot.id,
                "prescriptions": tuple(prescriptions.ids),
            }
        self.addCleanup(self._purge)

    def _purge(self):
        if not self.ids:
            return
        with self.registry.cursor() as cr:
            rx_ids, product_id = self.ids["prescriptions"], self.ids["product"]
            cr.execute(
                "DELETE FROM ir_config_parameter WHERE key = 'hms_pharmacy.stock_lock_timeout_ms'"
            )
            cr.execute("DELETE FROM hms_dispensed_item WHERE prescription_id IN %s", [rx_ids])
            cr.execute("SELECT id FROM stock_move WHERE product_id = %s", [product_id])
            move_ids = tuple(row[0] for row in cr.fetchall()) or (0,)
            cr.execute("DELETE FROM stock_move_line WHERE move_id IN %s", [move_ids])
            cr.execute("DELETE FROM stock_move WHERE id IN %s", [move_ids])
            cr.execute("DELETE FROM stock_picking WHERE hms_prescription_id IN %s", [rx_ids])
            for table in ("mail_activity", "mail_followers", "mail_message"):
                column = "model" if table == "mail_message" else "res_model"
                cr.execute(
                    f"DELETE FROM {table} WHERE {column} = 'hms.prescription' AND res_id IN %s",  # noqa: S608
                    [rx_ids],
                )
            cr.execute("DELETE FROM hms_prescription_line WHERE prescription_id IN %s", [rx_ids])
            cr.execute("DELETE FROM hms_prescription WHERE id IN %s", [rx_ids])
            # Rows that addons installed beside this one keep of the product: stock valuation
            # (stock_account) and the charges of the dispensed items (hms_billing).
            for table in ("stock_valuation_layer", "hms_charge"):
                cr.execute("SELECT to_regclass(%s)", [table])
                if cr.fetchone()[0]:
                    cr.execute(f"DELETE FROM {table} WHERE product_id = %s", [product_id])  # noqa: S608
            cr.execute("DELETE FROM stock_quant WHERE product_id = %s", [product_id])
            cr.execute("DELETE FROM stock_lot WHERE product_id = %s", [product_id])
            cr.execute("DELETE FROM product_product WHERE id = %s", [product_id])
            cr.execute("DELETE FROM product_template WHERE id = %s", [self.ids["template"]])

    def _stock(self):
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT quantity, reserved_quantity FROM stock_quant q "
                "JOIN stock_location l ON l.id = q.location_id "
                "WHERE q.product_id = %s AND l.usage = 'internal'",
                [self.ids["product"]],
            )
            return cr.fetchall()

    def test_second_pharmacist_is_told_while_the_first_one_holds_the_units(self):
        first_id, second_id = self.ids["prescriptions"]
        with self.registry.cursor() as cr1, self.registry.cursor() as cr2:
            first = self._env(cr1)["hms.prescription"].browse(first_id)
            second = self._env(cr2)["hms.prescription"].browse(second_id)
            first.action_prepare()
            # The first pharmacist has not handed over yet: the second one waits, then is told.
            with (
                mute_logger("odoo.sql_db"),
                self.assertRaisesRegex(UserError, "Another pharmacist is dispensing"),
            ):
                second.action_prepare()
            cr2.rollback()
            first.action_hand_over()
            self.assertEqual(first.state, "dispensed")
            cr1.commit()
            # The server's next attempt sees the stock is gone, and says so.
            second.env.invalidate_all()
            with self.assertRaisesRegex(UserError, "Not enough stock usable through the course"):
                second.action_prepare()
            cr2.rollback()
        self.assertEqual(self._stock(), [(0.0, 0.0)])

    def test_second_pharmacist_is_told_after_the_first_one_committed(self):
        first_id, second_id = self.ids["prescriptions"]
        with self.registry.cursor() as cr1, self.registry.cursor() as cr2:
            first = self._env(cr1)["hms.prescription"].browse(first_id)
            second = self._env(cr2)["hms.prescription"].browse(second_id)
            # The second transaction starts first: its snapshot still shows the units.
            self.assertEqual(second.line_ids.qty_owed, LOT_SIZE)
            self.assertEqual(second.state, "issued")
            first.action_prepare()
            first.action_hand_over()
            cr1.commit()
            # PostgreSQL refuses the stale snapshot; the server retries such a request...
            with mute_logger("odoo.sql_db"), self.assertRaises(errors.SerializationFailure):
                second.action_prepare()
            cr2.rollback()
            # ...and the retry tells the second pharmacist why.
            second.env.invalidate_all()
            with self.assertRaisesRegex(UserError, "Not enough stock usable through the course"):
                second.action_prepare()
            cr2.rollback()
        self.assertEqual(self._stock(), [(0.0, 0.0)])
        with self.registry.cursor() as cr:
            env = self._env(cr)
            second = env["hms.prescription"].browse(second_id)
            self.assertFalse(second.picking_ids)
            self.assertEqual(second.line_ids.qty_dispensed, 0)
