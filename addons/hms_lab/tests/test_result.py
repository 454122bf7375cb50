from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import HmsLabCase


@tagged("post_install", "-at_install")
class TestResult(HmsLabCase):
    def setUp(self):
        super().setUp()
        self.lab_order = self.received(self.order(test_ids=[(4, self.test_upro.id)]))
        self.hgb = self.result(self.lab_order, self.test_hgb).with_user(self.lab_technician)

    def test_flags_from_the_fitting_range(self):
        self.hgb.value = "11.2"
        self.assertEqual(self.hgb.flag, "low")
        self.assertEqual(self.hgb.range_id.sex, "female")
        self.assertTrue(self.hgb.is_abnormal)
        self.assertEqual(self.hgb.state, "entered")
        self.assertEqual(self.hgb.entered_by_id, self.lab_technician)
        self.hgb.value = "6.1"
        self.assertEqual(self.hgb.flag, "critical_low")
        self.assertTrue(self.hgb.is_critical)
        upro = self.result(self.lab_order, self.test_upro).with_user(self.lab_technician)
        upro.value = "negative"
        self.assertEqual(upro.flag, "normal")
        upro.value = "2+"
        self.assertEqual(upro.flag, "abnormal")

    def test_pregnancy_range(self):
        order = self.received(self.order(is_pregnant=True))
        hgb = self.result(order, self.test_hgb).with_user(self.lab_technician)
        hgb.value = "11.5"
        self.assertEqual(hgb.range_id.pregnancy, "pregnant")
        self.assertEqual(hgb.flag, "normal")

    def test_bad_values_refused_and_nothing_written(self):
        for value, unit, pattern in (
            ("twelve", "g/dL", "not a number"),
            ("42", "g/dL", "impossible"),
            ("-1", "g/dL", "impossible"),
            ("13", "mmol/L", "reported in g/dL"),
        ):
            with self.subTest(value=value, unit=unit):
                with self.assertRaisesMessage(ValidationError, pattern):
                    self.hgb.write({"value": value, "unit": unit})
                self.hgb.invalidate_recordset()
                self.assertFalse(self.hgb.value)
                self.assertEqual(self.hgb.state, "pending")

    def test_form_entry(self):
        with Form(self.hgb) as form:
            form.value = "14.1"
        self.assertEqual(self.hgb.flag, "normal")
        self.assertEqual(self.hgb.range_label, "12-15.5")

    def test_four_eyes(self):
        self.hgb.value = "13"
        with self.assertRaisesMessage(UserError, "another person validates"):
            self.hgb.action_validate()
        self.assertEqual(self.hgb.state, "entered")
        with self.assertRaisesMessage(UserError, "validated by a second person"):
            self.lab_order.with_user(self.lab_technician).action_release()
        self.result(self.lab_order, self.test_k).with_user(self.lab_technician).value = "4"
        self.result(self.lab_order, self.test_upro).with_user(
            self.lab_technician
        ).value = "Negative"
        with self.assertRaisesMessage(UserError, "validated by a second person"):
            self.lab_order.with_user(self.lab_technician_2).action_release()
        self.lab_order.result_ids.with_user(self.lab_technician_2).action_validate()
        self.assertEqual(self.hgb.validated_by_id, self.lab_technician_2)
        self.lab_order.with_user(self.lab_technician).action_release()
        self.assertEqual(self.lab_order.state, "released")
        with self.assertRaisesMessage(UserError, "amend it"):
            self.hgb.value = "12"

    def test_delta_check(self):
        self.released({self.test_hgb: "13.0", self.test_k: "4.0"})
        self.hgb.value = "13.5"
        self.assertAlmostEqual(self.hgb.delta_change, 3.846, places=2)
        self.assertFalse(self.hgb.is_delta_flagged)
        self.hgb.value = "9.0"
        self.assertTrue(self.hgb.previous_result_id)
        self.assertTrue(self.hgb.is_delta_flagged)  # -30 % against a 20 % limit
        k = self.result(self.lab_order, self.test_k).with_user(self.lab_technician)
        k.value = "6.0"
        self.assertFalse(k.is_delta_flagged)  # no delta limit on this test

    def test_amendment_keeps_the_old_value(self):
        order = self.released({self.test_hgb: "13.0", self.test_k: "4.0"})
        hgb = self.result(order, self.test_hgb)
        reference = hgb.billing_reference
        action = hgb.with_user(self.lab_technician).action_amend()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.lab_technician)
            .with_context(action["context"])
            .create({"value": "10.1", "reason": "Transcription error"})
        )
        wizard.action_amend()
        self.assertEqual(hgb.value, "10.1")
        self.assertEqual(hgb.flag, "low")
        self.assertEqual(hgb.state, "entered")
        self.assertEqual(order.state, "to_validate")
        amendment = hgb.amendment_ids
        self.assertEqual((amendment.old_value, amendment.new_value), ("13.0", "10.1"))
        self.assertEqual(amendment.old_validated_by_id, self.lab_technician_2)
        with self.assertRaises(UserError):
            amendment.write({"old_value": "1"})
        with self.assertRaises(UserError):
            amendment.unlink()
        with self.assertRaisesMessage(UserError, "reason"):
            self.result(order, self.test_k).with_user(self.lab_technician)._hms_amend("5", " ")
        hgb.with_user(self.lab_technician_2).action_validate()
        order.with_user(self.lab_technician_2).action_release()
        self.assertEqual(hgb.state, "released")
        self.assertEqual(hgb.billing_reference, reference)

    def test_released_tests_are_billable_once(self):
        order = self.released()
        results = order.result_ids
        self.assertTrue(all(results.mapped("is_billable")))
        self.assertEqual(
            sorted(results.mapped("billing_reference")),
            sorted(f"{order.name}/{code}" for code in ("T-HGB", "T-K")),
        )
        self.assertFalse(self.lab_order.result_ids.filtered("is_billable"))
