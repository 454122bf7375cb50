from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.hms_appointment.tests.common import at
from odoo.addons.hms_emr.tests.common import HmsEmrAppointmentCommon
from odoo.addons.hms_patient.tests.common import HmsPatientCase

from .common import HmsBillingCommon


@tagged("post_install", "-at_install")
class TestAppointmentBilling(HmsBillingCommon, HmsEmrAppointmentCommon, HmsPatientCase):
    """The billing state on the appointment, and the billing filters everywhere."""

    def consulted(self, **values):
        """A checked-in appointment whose consultation the doctor held and closed."""
        appointment = self.checked_in(**values)
        encounter = self.start_consultation(appointment)
        encounter.with_user(self.doctor).write(
            {
                "diagnosis_ids": [
                    (0, 0, {"icd10_id": self.icd_hypertension.id, "diagnosis_role": "primary"})
                ]
            }
        )
        encounter.with_user(self.doctor).action_close()
        return appointment, encounter

    def search_ids(self, model, user, state):
        return set(self.env[model].with_user(user).search([("billing_state", "=", state)]).ids)

    def test_the_appointment_follows_its_encounter(self):
        self.clinic_a.hms_invoice_on_close = "manual"
        booked = self.book(at(0, 11))
        self.assertEqual(booked.billing_state, "none")
        appointment, encounter = self.consulted()
        self.assertEqual(appointment.billing_state, "to_bill")
        for role in ("receptionist", "nurse", "doctor"):
            with self.subTest(role=role):
                user = self.users[role]
                self.assertEqual(appointment.with_user(user).billing_state, "to_bill")
                self.assertIn(appointment.id, self.search_ids("hms.appointment", user, "to_bill"))
                self.assertNotIn(booked.id, self.search_ids("hms.appointment", user, "to_bill"))
                self.assertIn(booked.id, self.search_ids("hms.appointment", user, "none"))
        encounter.with_user(self.billing_clerk).action_bill()
        invoice = self.charges_of(encounter).invoice_line_ids.move_id
        self.assertEqual(appointment.billing_state, "invoiced")
        invoice.action_post()
        self.assertEqual(appointment.billing_state, "invoiced")
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"amount": 10.0})._create_payments()
        self.assertEqual(appointment.with_user(self.receptionist).billing_state, "partial")
        self.assertEqual(
            self.search_ids("hms.appointment", self.receptionist, "partial"), {appointment.id}
        )

    def test_filters_to_bill_and_overdue(self):
        self.clinic_a.hms_invoice_on_close = "draft"
        _appointment, late = self.consulted()
        invoice = self.charges_of(late).invoice_line_ids.move_id
        invoice.write({"invoice_date": "2020-01-01", "invoice_date_due": "2020-01-31"})
        invoice.action_post()
        self.clinic_a.hms_invoice_on_close = "manual"
        fresh = self.closed_encounter()
        cases = {
            "hms.encounter": (late, fresh),
            "hms.appointment": (late.appointment_id, self.env["hms.appointment"]),
            "hms.patient": (self.patient_a, self.patient_a),
        }
        self.assertEqual(late.billing_state, "overdue")
        self.assertEqual(fresh.billing_state, "to_bill")
        self.assertEqual(self.patient_a.billing_state, "to_bill")
        for model, (overdue, to_bill) in cases.items():
            with self.subTest(model=model):
                user = self.billing_clerk if model == "hms.patient" else self.doctor
                if model == "hms.encounter":
                    self.assertEqual(self.search_ids(model, user, "overdue"), set(overdue.ids))
                    self.assertEqual(self.search_ids(model, user, "to_bill"), set(to_bill.ids))
                    # "!=" and "not in" are the complements.
                    not_overdue = self.env[model].search(
                        [
                            ("billing_state", "not in", ["overdue"]),
                            ("patient_id", "=", self.patient_a.id),
                        ]
                    )
                    self.assertNotIn(late, not_overdue)
                    self.assertIn(fresh, not_overdue)
                elif model == "hms.appointment":
                    self.assertEqual(self.search_ids(model, user, "overdue"), set(overdue.ids))
                    self.assertFalse(self.search_ids(model, user, "to_bill"))
                else:
                    self.assertIn(self.patient_a.id, self.search_ids(model, user, "to_bill"))
                    self.assertNotIn(self.patient_a.id, self.search_ids(model, user, "overdue"))
        with self.assertRaisesMessage(UserError, "by its value"):
            self.env["hms.encounter"].search([("billing_state", "ilike", "over")])
