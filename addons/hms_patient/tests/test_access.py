from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import HmsPatientCase

DENIED = mute_logger("odoo.addons.base.models.ir_model", "odoo.addons.base.models.ir_rule")


@tagged("post_install", "-at_install", "hms_access")
class TestPatientAccess(HmsPatientCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.allergy = cls.env["hms.patient.allergy"].create(
            {
                "patient_id": cls.patient_a.id,
                "allergen": "Penicillin",
                "severity": "3_severe",
                "reaction": "Anaphylaxis",
            }
        )
        cls.condition = cls.env["hms.patient.condition"].create(
            {"patient_id": cls.patient_a.id, "name": "Asthma", "code": "J45"}
        )
        cls.payer = cls.env["res.partner"].create({"name": "Payer", "is_company": True})

    def test_front_desk_registers_demographics_contacts_insurance(self):
        for role, phone in (("receptionist", "+1 217 555 0131"), ("nurse", "+1 217 555 0132")):
            user = self.users[role]
            with self.subTest(role=role):
                patient = (
                    self.env["hms.patient"]
                    .with_user(user)
                    .create({"name": f"Desk {role}", "phone": phone})
                )
                patient.write(
                    {
                        "email": f"{role}@example.com",
                        "contact_ids": [(0, 0, {"name": "Kin", "phone": "+12175550190"})],
                        "insurance_ids": [
                            (0, 0, {"payer_id": self.payer.id, "policy_number": role})
                        ],
                    }
                )
                self.assertEqual(patient.company_id, self.clinic_a)
                self.assertEqual(len(patient.insurance_ids), 1)

    def test_front_desk_sees_the_banner_not_clinical_content(self):
        patient = self.patient_a.with_user(self.receptionist)
        self.assertEqual(patient.allergy_banner, "Penicillin (Severe)")
        self.assertEqual(patient.allergy_ids.allergen, "Penicillin")
        self.assertNotIn("condition_ids", patient.fields_get())
        with DENIED, self.assertRaises(AccessError):
            patient.allergy_ids.read(["reaction"])
        with DENIED, self.assertRaises(AccessError):
            self.condition.with_user(self.receptionist).read(["name"])
        with DENIED, self.assertRaises(AccessError):
            patient.read(["condition_ids"])
        with DENIED, self.assertRaises(AccessError):
            self.allergy.with_user(self.receptionist).write({"severity": "1_mild"})
        self.assertEqual(self.allergy.severity, "3_severe")

    def test_nurse_reads_the_medical_background_doctors_record_it(self):
        # Nurses are clinical staff: they read the history and the allergies' reactions
        # (as they read the clinic's encounters and problem list), and change neither.
        patient = self.patient_a.with_user(self.nurse)
        self.assertEqual(patient.condition_ids.name, "Asthma")
        self.assertEqual(patient.read(["condition_ids"])[0]["condition_ids"], self.condition.ids)
        self.assertEqual(patient.allergy_ids.reaction, "Anaphylaxis")
        self.assertIn("condition_ids", patient.fields_get())
        with DENIED, self.assertRaises(AccessError):
            self.condition.with_user(self.nurse).write({"status": "resolved"})
        with DENIED, self.assertRaises(AccessError):
            patient.write({"condition_ids": [(0, 0, {"name": "Hay fever"})]})
        with DENIED, self.assertRaises(AccessError):
            self.allergy.with_user(self.nurse).write({"severity": "1_mild"})
        nurse_b = self._hms_user("hms_test_nurse_b", "hms_base.group_hms_nurse", self.clinic_b)
        with DENIED, self.assertRaises(AccessError):
            self.condition.with_user(nurse_b).read(["name"])
        self.assertEqual((self.condition.status, self.allergy.severity), ("active", "3_severe"))

    def test_doctor_full_view_in_own_clinic_only(self):
        patient = self.patient_a.with_user(self.doctor)
        self.assertEqual(patient.condition_ids.name, "Asthma")
        self.assertEqual(patient.allergy_ids.reaction, "Anaphylaxis")
        patient.write({"condition_ids": [(0, 0, {"name": "Hay fever", "status": "resolved"})]})
        self.assertEqual(len(self.patient_a.condition_ids), 2)
        with DENIED, self.assertRaises(AccessError):
            self.patient_b.with_user(self.doctor).read(["name"])
        with DENIED, self.assertRaises(AccessError):
            self.condition.with_user(self.doctor_b).read(["name"])
        self.assertEqual(
            self.env["hms.patient"].with_user(self.doctor_b).search([]).company_id,
            self.clinic_b,
        )

    def test_pharmacist_reads_allergies_not_history(self):
        patient = self.patient_a.with_user(self.pharmacist)
        self.assertEqual(patient.allergy_ids.reaction, "Anaphylaxis")
        with DENIED, self.assertRaises(AccessError):
            self.condition.with_user(self.pharmacist).read(["name"])
        with DENIED, self.assertRaises(AccessError):
            self.allergy.with_user(self.pharmacist).write({"status": "inactive"})
        with DENIED, self.assertRaises(AccessError):
            patient.write({"name": "Renamed"})

    def test_lab_billing_auditor_demographics_only(self):
        for role in ("lab_technician", "billing_clerk", "auditor"):
            user = self.users[role]
            with self.subTest(role=role):
                self.assertEqual(self.patient_a.with_user(user).name, "Alice Test")
                # The fields the role may read at all (the web client reads those it shows).
                visible = self.env["hms.patient"].with_user(user).fields_get()
                self.assertNotIn("allergy_ids", visible)
                self.assertNotIn("condition_ids", visible)
                values = self.patient_a.with_user(user).read(["name", "mrn", "birthdate"])[0]
                self.assertEqual(values["name"], "Alice Test")
                for record in (self.allergy, self.condition):
                    with DENIED, self.assertRaises(AccessError):
                        record.with_user(user).read(["patient_id"])
                with DENIED, self.assertRaises(AccessError):
                    self.patient_a.with_user(user).write({"name": "Renamed"})
        policy = (
            self.env["hms.patient.insurance"]
            .with_user(self.billing_clerk)
            .create(
                {"patient_id": self.patient_a.id, "payer_id": self.payer.id, "policy_number": "B-1"}
            )
        )
        self.assertEqual(policy.company_id, self.clinic_a)
        self.assertEqual(self.patient_a.name, "Alice Test")

    def test_each_record_stays_in_its_clinic(self):
        # The same records for a patient of each clinic; staff of clinic A read their own.
        category = self.env["hms.patient.document.category"].search([], limit=1)
        id_type = self.env.ref("hms_patient.identifier_type_national_id")
        samples = {
            "hms.patient.contact": ("receptionist", {"name": "Kin", "phone": "+12175550191"}),
            "hms.patient.identifier": ("receptionist", {"type_id": id_type.id, "value": "X-1"}),
            "hms.patient.insurance": (
                "receptionist",
                {"payer_id": self.payer.id, "policy_number": "POL"},
            ),
            "hms.patient.document": (
                "receptionist",
                {"name": "Scan", "category_id": category.id, "file": "JVBERg=="},
            ),
            "hms.patient.allergy": ("receptionist", {"allergen": "Latex"}),
            "hms.patient.condition": ("nurse", {"name": "Gout"}),
        }
        for model, (role, values) in samples.items():
            Model = self.env[model]
            own = Model.create({**values, "patient_id": self.patient_a.id})
            other = Model.create({**values, "patient_id": self.patient_b.id})
            as_user = Model.with_user(self.users[role])
            with self.subTest(model=model):
                self.assertEqual(as_user.search([("id", "in", (own | other).ids)]), own)
                with DENIED, self.assertRaises(AccessError):
                    other.with_user(self.users[role]).read(["patient_id"])

    def test_portal_user_reads_no_other_partner_or_contact(self):
        # Their own and their dependants' only: not another patient of the clinic, even
        # when that patient's record is reached through its contact or its partner.
        other = self.env["hms.patient"].create(
            {"name": "Carol Other", "company_id": self.clinic_a.id, "phone": "+12175550192"}
        )
        other_contact = self.env["hms.patient.contact"].create(
            {"patient_id": other.id, "name": "Carl", "phone": "+12175550193"}
        )
        own_contact = self.env["hms.patient.contact"].create(
            {"patient_id": self.patient_dependant.id, "name": "Dad", "phone": "+12175550194"}
        )
        Contact = self.env["hms.patient.contact"].with_user(self.portal_guardian)
        self.assertEqual(Contact.search([]), own_contact)
        self.assertEqual(
            self.patient_dependant.partner_id.with_user(self.portal_guardian).name,
            "Dana Dependant",
        )
        with DENIED, self.assertRaises(AccessError):
            other_contact.with_user(self.portal_guardian).read(["name"])
        with DENIED, self.assertRaises(AccessError):
            other.partner_id.with_user(self.portal_guardian).read(["name", "phone"])

    def test_nobody_deletes_clinical_records(self):
        for role in ("doctor", "manager"):
            with self.subTest(role=role), DENIED, self.assertRaises(AccessError):
                self.condition.with_user(self.users[role]).unlink()
        with DENIED, self.assertRaises(AccessError):
            self.patient_b.with_user(self.receptionist).unlink()
        self.assertTrue(self.condition.exists())

    def test_portal_user_limited_to_self_and_dependants(self):
        Patient = self.env["hms.patient"]
        self.assertEqual(Patient.with_user(self.portal_patient_a).search([]), self.patient_a)
        self.assertEqual(Patient.with_user(self.portal_guardian).search([]), self.patient_dependant)
        self.assertEqual(
            self.patient_dependant.with_user(self.portal_guardian).mrn, self.patient_dependant.mrn
        )
        patient = self.patient_a.with_user(self.portal_patient_a)
        values = patient.read(["mrn", "name", "phone", "contact_ids", "guardian_partner_ids"])[0]
        self.assertEqual(values["mrn"], self.patient_a.mrn)
        visible = patient.fields_get()
        for fname in ("allergy_ids", "allergy_banner", "condition_ids", "insurance_ids"):
            self.assertNotIn(fname, visible)
            with DENIED, self.assertRaises(AccessError):
                patient.read([fname])
        with DENIED, self.assertRaises(AccessError):
            self.patient_b.with_user(self.portal_patient_a).read(["name"])
        with DENIED, self.assertRaises(AccessError):
            self.patient_a.with_user(self.portal_patient_a).write({"name": "New Name"})
        for record in (self.allergy, self.condition):
            with DENIED, self.assertRaises(AccessError):
                record.with_user(self.portal_patient_a).read(["patient_id"])
        contact = (
            self.env["hms.patient.contact"]
            .with_user(self.portal_patient_a)
            .create({"patient_id": self.patient_a.id, "name": "Mum", "phone": "2175550111"})
        )
        self.assertEqual(contact.phone, "+12175550111")
        with DENIED, self.assertRaises(AccessError):
            self.env["hms.patient.contact"].with_user(self.portal_patient_a).create(
                {"patient_id": self.patient_dependant.id, "name": "Forged", "phone": "2175550112"}
            )
