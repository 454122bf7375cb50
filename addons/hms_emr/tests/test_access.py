from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import HmsEmrCase

NON_CLINICAL = ("receptionist", "pharmacist", "lab_technician", "billing_clerk", "auditor")
CLINICAL_MODELS = (
    "hms.encounter",
    "hms.vital",
    "hms.encounter.diagnosis",
    "hms.encounter.addendum",
)
REPORT = "hms_emr.action_report_visit_summary"


@tagged("post_install", "-at_install", "hms_access")
class TestEmrAccess(HmsEmrCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.encounter = cls.env["hms.encounter"].create(
            {
                "patient_id": cls.patient_a.id,
                "practitioner_id": cls.practitioner_a.id,
                "chief_complaint": "Chest pain",
                "diagnosis_ids": [
                    (0, 0, {"icd10_id": cls.icd_hypertension.id, "diagnosis_role": "primary"})
                ],
                "vital_ids": [(0, 0, {"pulse": 90})],
            }
        )
        cls.encounter_b = cls.env["hms.encounter"].create(
            {"patient_id": cls.patient_b.id, "practitioner_id": cls.practitioner_b.id}
        )

    def test_non_clinical_roles_read_nothing_clinical(self):
        for role in NON_CLINICAL:
            user = self.users[role]
            # Even a user allowed to export gets nothing clinical out.
            user.groups_id += self.env.ref("base.group_allow_export")
            with (
                self.subTest(role=role),
                mute_logger("odoo.addons.base.models.ir_model", "odoo.models"),
            ):
                for model in CLINICAL_MODELS:
                    with self.assertRaises(AccessError):
                        self.env[model].with_user(user).search([])
                with self.assertRaises(AccessError):
                    self.encounter.with_user(user).read(["chief_complaint"])
                with self.assertRaises(AccessError):
                    self.encounter.with_user(user).export_data(["chief_complaint"])
                with self.assertRaises(AccessError):
                    self.env["ir.actions.report"].with_user(user)._render_qweb_pdf(
                        REPORT, self.encounter.ids
                    )
                with self.assertRaises(AccessError):
                    self.env["hms.encounter"].with_user(user).create(
                        {"patient_id": self.patient_a.id}
                    )

    def test_nurse_reads_clinic_records_and_records_vitals(self):
        Encounter = self.env["hms.encounter"].with_user(self.nurse)
        self.assertEqual(Encounter.search([]), self.encounter, "clinic A only")
        self.assertEqual(self.encounter.with_user(self.nurse).chief_complaint, "Chest pain")
        self.assertEqual(
            self.encounter.with_user(self.nurse).diagnosis_ids.icd10_id, self.icd_hypertension
        )
        vital = (
            self.env["hms.vital"]
            .with_user(self.nurse)
            .create({"encounter_id": self.encounter.id, "spo2": 97})
        )
        self.assertEqual(vital.recorded_by_id, self.nurse)
        html, _type = (
            self.env["ir.actions.report"]
            .with_user(self.nurse)
            ._render_qweb_pdf(REPORT, self.encounter.ids)
        )
        self.assertIn(b"Chest pain", html)
        with mute_logger("odoo.addons.base.models.ir_model", "odoo.addons.base.models.ir_rule"):
            with self.assertRaises(AccessError):
                self.encounter.with_user(self.nurse).write({"plan": "Nurse's plan"})
            with self.assertRaises(AccessError):
                Encounter.create(
                    {"patient_id": self.patient_a.id, "practitioner_id": self.practitioner_a.id}
                )
            with self.assertRaises(AccessError):
                self.env["hms.encounter.diagnosis"].with_user(self.nurse).create(
                    {"encounter_id": self.encounter.id, "icd10_id": self.icd_uri.id}
                )
            with self.assertRaises(AccessError):
                self.encounter_b.with_user(self.nurse).read(["name"])
        self.assertFalse(self.encounter.plan)

    def test_doctor_writes_for_patients_in_care(self):
        as_doctor = self.encounter.with_user(self.doctor)
        as_doctor.write({"plan": "ECG"})
        self.assertEqual(self.encounter.plan, "ECG")
        colleague = self._hms_user("hms_test_doctor_a3", "hms_base.group_hms_doctor", self.clinic_a)
        practitioner = self.env["hms.practitioner"].create(
            {"name": "Colleague", "user_id": colleague.id, "company_id": self.clinic_a.id}
        )
        as_colleague = self.encounter.with_user(colleague)
        # Outside the care team a doctor neither reads nor writes: break-the-glass is the way.
        with mute_logger("odoo.addons.base.models.ir_rule"), self.assertRaises(AccessError):
            as_colleague.read(["chief_complaint"])
        with mute_logger("odoo.addons.base.models.ir_rule"), self.assertRaises(AccessError):
            as_colleague.write({"plan": "Not my patient"})
        with mute_logger("odoo.addons.base.models.ir_rule"), self.assertRaises(AccessError):
            as_colleague.action_close()
        # Once the colleague has seen the patient, they are in the care team.
        self.env["hms.encounter"].with_user(colleague).create(
            {"patient_id": self.patient_a.id, "practitioner_id": practitioner.id}
        )
        self.assertEqual(as_colleague.chief_complaint, "Chest pain")
        as_colleague.write({"plan": "Referred"})
        self.assertEqual(self.encounter.plan, "Referred")

    def test_doctors_stay_in_their_clinic(self):
        with mute_logger("odoo.addons.base.models.ir_rule"):
            with self.assertRaises(AccessError):
                self.encounter.with_user(self.doctor_b).read(["chief_complaint"])
            with self.assertRaises(AccessError):
                self.encounter_b.with_user(self.doctor).write({"plan": "x"})
        self.assertEqual(
            self.env["hms.encounter"].with_user(self.doctor_b).search([]), self.encounter_b
        )
        with mute_logger("odoo.addons.base.models.ir_rule"), self.assertRaises(AccessError):
            self.env["hms.vital"].with_user(self.doctor_b).create(
                {"patient_id": self.patient_a.id, "pulse": 60}
            )

    def test_manager_writes_every_encounter_of_the_clinic(self):
        self.encounter.with_user(self.manager).write({"plan": "Managed"})
        self.assertEqual(self.encounter.plan, "Managed")

    def test_portal_reads_no_clinical_record(self):
        with mute_logger(
            "odoo.addons.base.models.ir_model", "odoo.addons.base.models.ir_rule", "odoo.models"
        ):
            self.assertFalse(self.env["hms.encounter"].with_user(self.portal_user).search([]))
            for model in CLINICAL_MODELS[1:]:
                with self.subTest(model=model), self.assertRaises(AccessError):
                    self.env[model].with_user(self.portal_user).search([])
            with self.assertRaises(AccessError):
                self.encounter.with_user(self.portal_user).read(["name"])

    def test_portal_reads_released_summaries_of_own_patients(self):
        self.patient_a.guardian_partner_ids = [(4, self.portal_user.partner_id.id)]
        self.encounter.action_close()
        Encounter = self.env["hms.encounter"].with_user(self.portal_user)
        self.assertFalse(Encounter.search([]), "not released yet")
        self.encounter.action_release_summary()
        self.assertEqual(Encounter.search([]), self.encounter)
        with mute_logger("odoo.models"), self.assertRaises(AccessError):
            self.encounter.with_user(self.portal_user).read(["chief_complaint"])
        with mute_logger("odoo.addons.base.models.ir_model"), self.assertRaises(AccessError):
            self.encounter.with_user(self.portal_user).write({"name": "x"})
