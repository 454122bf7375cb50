from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.hms_base.tests.common import hms_password

from .common import HmsBillingCase, HmsBillingCommon


@tagged("post_install", "-at_install", "hms_access")
class TestBillingAccess(HmsBillingCase):
    def test_billing_clerk_works_charges_and_invoices_of_their_clinic(self):
        self.clinic_a.hms_invoice_on_close = "manual"
        charge = self.charges_of(self.closed_encounter())
        as_clerk = charge.with_user(self.billing_clerk)
        self.assertEqual(as_clerk.read(["name", "amount"])[0]["amount"], 50.0)
        invoice = as_clerk._hms_invoice(post=True)
        self.assertEqual(invoice.state, "posted")
        # Service names and amounts, never the clinical content.
        with (
            mute_logger("odoo.models", "odoo.addons.base.models.ir_model"),
            self.assertRaises(AccessError),
        ):
            charge.encounter_id.with_user(self.billing_clerk).read(["chief_complaint"])
        other = self.env["hms.charge"].search([("company_id", "=", self.clinic_b.id)])
        self.assertFalse(
            self.env["hms.charge"].with_user(self.billing_clerk).search([("id", "in", other.ids)])
        )

    def test_clinical_and_front_desk_roles_see_the_status_not_the_bill(self):
        encounter = self.closed_encounter()
        charge = self.charges_of(encounter)
        for role in ("doctor", "nurse", "receptionist", "pharmacist", "lab_technician", "auditor"):
            user = self.users[role]
            with self.subTest(role=role), mute_logger("odoo.addons.base.models.ir_model"):
                with self.assertRaises(AccessError):
                    charge.with_user(user).read(["amount"])
                with self.assertRaises(AccessError):
                    self.env["hms.charge"].with_user(user).create(
                        {
                            "res_model": "hms.encounter",
                            "res_id": encounter.id,
                            "code": "x",
                            "name": "X",
                            "patient_id": self.patient_a.id,
                            "company_id": self.clinic_a.id,
                            "product_id": self.fee.id,
                            "price_unit": 1.0,
                        }
                    )
        for role in ("doctor", "nurse"):
            with self.subTest(role=role):
                self.assertEqual(encounter.with_user(self.users[role]).billing_state, "invoiced")
        self.assertEqual(len(self.charges_of(encounter)), 1)


@tagged("post_install", "-at_install", "hms_access")
class TestBillingPortal(HmsBillingCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_hms()
        (cls.clinic_a | cls.clinic_b).hms_invoice_on_close = "posted"

    def invoice_of(self, patient):
        practitioner = (
            self.practitioner_a if patient.company_id == self.clinic_a else (self.practitioner_b)
        )
        encounter = self.env["hms.encounter"].create(
            {"patient_id": patient.id, "practitioner_id": practitioner.id}
        )
        encounter.action_close()
        return self.charges_of(encounter).invoice_line_ids.move_id

    def test_patients_and_guardians_see_their_invoices_only(self):
        own = self.invoice_of(self.patient_a)
        dependant = self.invoice_of(self.patient_dependant)
        other = self.invoice_of(self.patient_b)
        self.authenticate(self.portal_patient_a.login, hms_password(self.portal_patient_a))
        self.assertEqual(self.url_open(f"/my/invoices/{own.id}").status_code, 200)
        listing = self.url_open("/my/invoices").text
        self.assertIn(f"/my/invoices/{own.id}?", listing)
        self.assertNotIn(f"/my/invoices/{other.id}?", listing)
        self.assertNotIn(f"/my/invoices/{dependant.id}?", listing)
        with mute_logger("odoo.addons.base.models.ir_rule"):
            forged = self.url_open(f"/my/invoices/{other.id}", allow_redirects=False)
        self.assertIn(forged.status_code, (302, 303))
        self.assertNotIn(f"/my/invoices/{other.id}", forged.headers.get("Location", ""))
        # A guardian sees the invoices of the patients they manage.
        self.authenticate(self.portal_guardian.login, hms_password(self.portal_guardian))
        self.assertEqual(self.url_open(f"/my/invoices/{dependant.id}").status_code, 200)
        with mute_logger("odoo.addons.base.models.ir_rule"):
            refused = self.url_open(f"/my/invoices/{own.id}", allow_redirects=False)
        self.assertIn(refused.status_code, (302, 303))
