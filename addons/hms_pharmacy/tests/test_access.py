from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import HmsPharmacyCase

RULE_LOGGERS = (
    "odoo.addons.base.models.ir_rule",
    "odoo.models",
    "odoo.addons.base.models.ir_model",
)


@tagged("post_install", "-at_install", "hms_access")
class TestPharmacyAccess(HmsPharmacyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.nurse_b = cls._hms_user("hms_test_nurse_b", "hms_base.group_hms_nurse", cls.clinic_b)
        cls.doctor_2 = cls._hms_user("hms_test_doctor_2", "hms_base.group_hms_doctor", cls.clinic_a)

    def setUp(self):
        super().setUp()
        self.prescription = self.issued(self.line(self.paracetamol), note="Suspected migraine")
        self.draft_rx = self.draft(self.line(self.ibuprofen))

    def assertRefused(self, function, *args):
        with mute_logger(*RULE_LOGGERS), self.assertRaises(AccessError):
            function(*args)

    def test_doctor_prescribes_for_patients_in_care_only(self):
        Prescription = self.env["hms.prescription"]
        self.assertEqual(
            Prescription.with_user(self.doctor).search(
                [("id", "in", (self.prescription | self.draft_rx).ids)]
            ),
            self.prescription | self.draft_rx,
        )
        self.assertEqual(self.prescription.with_user(self.doctor).note, "Suspected migraine")
        # Another doctor of the clinic, who never saw patient A.
        other = Prescription.with_user(self.doctor_2)
        self.assertFalse(other.search([("patient_id", "=", self.patient_a.id)]))
        self.assertRefused(self.prescription.with_user(self.doctor_2).read, ["name"])
        practitioner_2 = self.env["hms.practitioner"].create(
            {"name": "Dr Two", "user_id": self.doctor_2.id, "company_id": self.clinic_a.id}
        )
        self.assertRefused(
            other.create,
            {
                "patient_id": self.patient_a.id,
                "practitioner_id": practitioner_2.id,
                "line_ids": [self.line(self.paracetamol)],
            },
        )
        # A doctor of clinic B, not even the clinic.
        self.assertRefused(self.prescription.with_user(self.doctor_b).read, ["name"])

    def test_pharmacist_issued_ones_of_the_clinic_without_clinical_notes(self):
        rx = self.prescription.with_user(self.pharmacist)
        self.assertEqual(rx.read(["name", "state", "patient_id"])[0]["state"], "issued")
        self.assertEqual(rx.line_ids.product_id, self.paracetamol)
        self.assertTrue(rx.patient_allergy_banner is not None)
        self.assertRefused(rx.read, ["note"])
        self.assertRefused(self.draft_rx.with_user(self.pharmacist).read, ["name"])
        self.assertRefused(rx.encounter_id.with_user(self.pharmacist).read, ["chief_complaint"])
        self.assertRefused(self.env["hms.vital"].with_user(self.pharmacist).search, [])
        self.assertRefused(
            self.env["hms.encounter.diagnosis"].with_user(self.pharmacist).search, []
        )
        self.assertRefused(rx.write, {"priority": "1", "note": "x"})
        self.assertRefused(
            self.env["hms.prescription"].with_user(self.pharmacist).create,
            {"patient_id": self.patient_a.id, "practitioner_id": self.practitioner_a.id},
        )
        # Patient allergies are readable for the pharmacy's checks.
        self.assertTrue(
            self.patient_a.with_user(self.pharmacist).allergy_ids.check_access("read") is None
        )

    def test_nurse_reads_the_clinic_prescriptions_without_changing_them(self):
        rx = self.prescription.with_user(self.nurse)
        self.assertEqual(rx.note, "Suspected migraine")
        self.assertEqual(rx.line_ids.product_id, self.paracetamol)
        self.assertRefused(rx.write, {"priority": "1"})
        self.assertRefused(rx.line_ids.write, {"override_reason": "x"})
        self.assertRefused(self.prescription.with_user(self.nurse_b).read, ["name"])

    def test_receptionist_and_lab_technician_read_none(self):
        for user in (self.receptionist, self.lab_technician):
            with self.subTest(user=user.login):
                self.assertRefused(self.env["hms.prescription"].with_user(user).search, [])
                self.assertRefused(self.env["hms.prescription.line"].with_user(user).search, [])
                self.assertRefused(self.env["hms.dispensed.item"].with_user(user).search, [])

    def test_billing_clerk_reads_dispensed_items_only(self):
        self.dispense(self.prescription)
        items = self.env["hms.dispensed.item"].with_user(self.billing_clerk).search([])
        self.assertEqual(items.prescription_id, self.prescription)
        values = items.read(["reference", "product_id", "quantity", "price_unit", "patient_id"])
        self.assertEqual(values[0]["quantity"], 40)
        self.assertRefused(self.prescription.with_user(self.billing_clerk).read, ["name"])
        self.assertRefused(self.prescription.line_ids.with_user(self.billing_clerk).read, ["dose"])
        # Nobody changes a dispensed item (append-only), the billing clerk included.
        with self.assertRaises(UserError):
            items.write({"patient_id": self.patient_dependant.id})
        self.assertRefused(
            self.env["hms.dispensed.item"].with_user(self.billing_clerk).create,
            {"reference": "forged"},
        )

    def test_portal_users_only_their_own_issued_prescriptions_by_rpc_rules(self):
        Prescription = self.env["hms.prescription"]
        self.assertEqual(
            Prescription.with_user(self.portal_patient_a).search([]), self.prescription
        )
        self.assertRefused(self.draft_rx.with_user(self.portal_patient_a).read, ["name"])
        self.assertRefused(self.prescription.with_user(self.portal_patient_a).read, ["note"])
        self.assertFalse(Prescription.with_user(self.portal_guardian).search([]))
        self.assertRefused(self.prescription.with_user(self.portal_guardian).read, ["name"])
        dependant = self.issued(self.line(self.paracetamol), patient=self.patient_dependant)
        self.assertEqual(Prescription.with_user(self.portal_guardian).search([]), dependant)
        self.assertRefused(
            self.prescription.with_user(self.portal_patient_a).write, {"priority": "1"}
        )

    def test_stock_of_another_clinic_is_invisible_to_the_pharmacist(self):
        quants = (
            self.env["stock.quant"]
            .with_user(self.pharmacist)
            .search([("location_id", "=", self.stock_b.id)])
        )
        self.assertFalse(quants)
        self.assertTrue(
            self.env["stock.quant"]
            .with_user(self.pharmacist)
            .search([("location_id", "=", self.stock_a.id)])
        )
