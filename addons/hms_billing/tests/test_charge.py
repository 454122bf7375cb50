from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import HmsBillingCase


@tagged("post_install", "-at_install")
class TestCharge(HmsBillingCase):
    def test_closing_charges_the_consultation_once(self):
        encounter = self.closed_encounter()
        charge = self.charges_of(encounter)
        self.assertEqual(len(charge), 1)
        self.assertEqual(charge.reference, f"hms.encounter,{encounter.id},consultation")
        self.assertEqual((charge.product_id, charge.amount), (self.fee, 50.0))
        self.assertEqual(charge.patient_id, self.patient_a)
        # The hook running again, or anyone recording the same event, finds the same charge.
        self.assertEqual(encounter._hms_charge_consultation(), charge)
        vals = {
            "res_model": "hms.encounter",
            "res_id": encounter.id,
            "code": "consultation",
            "name": "Again",
            "patient_id": self.patient_a.id,
            "company_id": self.clinic_a.id,
            "product_id": self.fee.id,
            "price_unit": 10.0,
        }
        self.assertEqual(self.env["hms.charge"]._hms_record([vals, vals]), charge)
        self.assertEqual(len(self.charges_of(encounter)), 1)
        self.assertEqual(charge.price_unit, 50.0, "the existing charge is untouched")

    def test_appointment_type_fee_comes_first(self):
        follow_up_fee = self.fee.copy({"name": "Follow-up", "list_price": 30.0})
        self.env.ref("hms_appointment.appointment_type_follow_up").product_id = follow_up_fee
        self.assertEqual(self.charges_of(self.closed_encounter()).product_id, self.fee)

    def test_bad_amounts_and_clinics_are_refused(self):
        encounter = self.closed_encounter()
        base = {
            "res_model": "hms.encounter",
            "res_id": encounter.id,
            "name": "Dressing",
            "patient_id": self.patient_a.id,
            "company_id": self.clinic_a.id,
            "product_id": self.fee.id,
        }
        Charge = self.env["hms.charge"].with_user(self.billing_clerk)
        for code, values, message in (
            ("zero", {"price_unit": 0.0}, "Unit Price: must be more than zero"),
            ("negative", {"price_unit": 5.0, "quantity": -1}, "Quantity: must be more than zero"),
        ):
            with self.subTest(code), self.assertRaisesMessage(ValidationError, message):
                Charge.create({**base, "code": code, **values})
        with self.assertRaisesMessage(ValidationError, "is a patient of Test Clinic A"):
            Charge.sudo().create(
                {**base, "code": "elsewhere", "price_unit": 5.0, "company_id": self.clinic_b.id}
            )
        self.assertEqual(self.charges_of(encounter).mapped("code"), ["consultation"])

    def test_waive_and_adjust_need_a_reason_and_nothing_is_deleted(self):
        self.clinic_a.hms_invoice_on_close = "manual"
        charge = self.charges_of(self.closed_encounter()).with_user(self.billing_clerk)
        wizard = self.env["hms.charge.adjust"].with_user(self.billing_clerk)
        with self.assertRaisesMessage(UserError, "reason"):
            charge._action_adjust(40.0, " ")
        wizard.create(
            {"charge_ids": charge.ids, "operation": "adjust", "price_unit": 40.0, "reason": "Promo"}
        ).action_apply()
        self.assertEqual((charge.amount, charge.note), (40.0, "Promo"))
        with self.assertRaisesMessage(ValidationError, "Unit Price: must be more than zero"):
            charge._action_adjust(-3.0, "Oops")
        wizard.create(
            {"charge_ids": charge.ids, "operation": "waive", "reason": "Charity case"}
        ).action_apply()
        self.assertEqual(charge.state, "waived")
        with self.assertRaisesMessage(UserError, "never deleted"):
            charge.sudo().unlink()
        with self.assertRaisesMessage(UserError, "Nothing to invoice"):
            charge._hms_invoice()
        self.assertEqual(charge.encounter_id.billing_state, "none")
