"""The clinical roles on every medical-record model: nurses read their clinic's records,
doctors those of the patients in their care, managers their clinics'; roles add up."""

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import HmsEmrCase

DENIED = mute_logger("odoo.addons.base.models.ir_model", "odoo.addons.base.models.ir_rule")
MODELS = ("hms.encounter", "hms.encounter.diagnosis", "hms.encounter.addendum", "hms.vital")


@tagged("post_install", "-at_install", "hms_access")
class TestClinicalRoles(HmsEmrCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A closed consultation of patient A by doctor A: one record of each model.
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
        cls.encounter.action_close()
        cls.addendum = cls.env["hms.encounter.addendum"].create(
            {"encounter_id": cls.encounter.id, "text": "ECG normal."}
        )
        cls.records = {
            "hms.encounter": cls.encounter,
            "hms.encounter.diagnosis": cls.encounter.diagnosis_ids,
            "hms.encounter.addendum": cls.addendum,
            "hms.vital": cls.encounter.vital_ids,
        }
        # A doctor of the same clinic who never saw patient A.
        cls.colleague = cls._hms_user(
            "hms_test_doctor_a4", "hms_base.group_hms_doctor", cls.clinic_a
        )

    def assertSees(self, user, expected):
        for model, record in self.records.items():
            with self.subTest(user=user.login, model=model):
                found = self.env[model].with_user(user).search([("id", "=", record.id)])
                self.assertEqual(bool(found), expected)
                if expected:
                    record.with_user(user).read(["patient_id"])
                else:
                    with DENIED, self.assertRaises(AccessError):
                        record.with_user(user).read(["patient_id"])

    def test_no_rule_tests_groups(self):
        # Record rules are plain domains: which groups a user has decides which rules apply.
        rules = self.env["ir.rule"].search([("model_id.model", "=like", "hms.%")])
        self.assertTrue(rules)
        for rule in rules:
            with self.subTest(rule=rule.name):
                self.assertNotIn("has_group", rule.domain_force or "")
                self.assertNotIn("groups_id", rule.domain_force or "")

    def test_doctor_outside_the_care_team_reads_nothing(self):
        self.assertSees(self.colleague, False)
        with DENIED, self.assertRaises(AccessError):
            self.env["hms.vital"].with_user(self.colleague).create(
                {"patient_id": self.patient_a.id, "pulse": 70}
            )
        with DENIED, self.assertRaises(AccessError):
            self.env["hms.encounter.addendum"].with_user(self.colleague).create(
                {"encounter_id": self.encounter.id, "text": "Not my patient"}
            )
        self.assertEqual(self.encounter.addendum_ids, self.addendum)

    def test_doctor_in_the_care_team_reads_and_writes(self):
        self.assertSees(self.doctor, True)
        vital = (
            self.env["hms.vital"]
            .with_user(self.doctor)
            .create({"patient_id": self.patient_a.id, "pulse": 70})
        )
        self.assertEqual(vital.patient_id, self.patient_a)

    def test_nurse_reads_the_whole_clinic_and_writes_vitals_only(self):
        self.assertSees(self.nurse, True)
        nurse_b = self._hms_user("hms_test_nurse_b", "hms_base.group_hms_nurse", self.clinic_b)
        self.assertSees(nurse_b, False)
        # A patient nobody cares for yet: nurses still take their vitals.
        vital = (
            self.env["hms.vital"]
            .with_user(self.nurse)
            .create({"patient_id": self.patient_dependant.id, "pulse": 70})
        )
        self.assertEqual(vital.recorded_by_id, self.nurse)
        diagnosis = self.open_encounter(
            diagnosis_ids=[(0, 0, {"icd10_id": self.icd_uri.id, "diagnosis_role": "primary"})]
        ).diagnosis_ids
        with DENIED, self.assertRaises(AccessError):
            diagnosis.with_user(self.nurse).write({"note": "x"})
        with DENIED, self.assertRaises(AccessError):
            self.env["hms.encounter.addendum"].with_user(self.nurse).create(
                {"encounter_id": self.encounter.id, "text": "A nurse's correction"}
            )
        self.assertFalse(diagnosis.note)

    def test_manager_reads_the_clinic(self):
        self.assertSees(self.manager, True)

    def test_roles_add_up(self):
        # A doctor who also works as a nurse reads the clinic (the nurse's rule) but still
        # writes only for the patients in their care (the doctor's rule).
        both = self._hms_user(
            "hms_test_doctor_nurse",
            "hms_base.group_hms_doctor,hms_base.group_hms_nurse",
            self.clinic_a,
        )
        self.assertSees(both, True)
        open_encounter = self.open_encounter()
        with DENIED, self.assertRaises(AccessError):
            open_encounter.with_user(both).write({"plan": "Not my patient"})
        self.assertFalse(open_encounter.plan)
        # The roles themselves: doctors and nurses share the clinical group only.
        self.assertTrue(self.colleague.has_group("hms_base.group_hms_clinical"))
        self.assertFalse(self.colleague.has_group("hms_base.group_hms_nurse"))

    def test_demo_staff_have_their_roles(self):
        nurse = self.env.ref("hms_base.user_nurse", raise_if_not_found=False)
        doctor = self.env.ref("hms_base.user_doctor", raise_if_not_found=False)
        if not (nurse and doctor):
            self.skipTest("installed without demo data")
        self.assertTrue(nurse.has_group("hms_base.group_hms_clinical"))
        self.assertFalse(nurse.has_group("hms_base.group_hms_doctor"))
        self.assertTrue(doctor.has_group("hms_base.group_hms_clinical"))
        self.assertFalse(doctor.has_group("hms_base.group_hms_nurse"))
