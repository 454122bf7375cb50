from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import HmsEmrCase


@tagged("post_install", "-at_install")
class TestEncounter(HmsEmrCase):
    def test_walk_in_encounter(self):
        with Form(self.env["hms.encounter"].with_user(self.doctor)) as form:
            form.patient_id = self.patient_a
            form.chief_complaint = "Sore throat"
            form.subjective = "Two days of sore throat"
        encounter = form.record
        self.assertEqual(encounter.practitioner_id, self.practitioner_a, "the doctor by default")
        self.assertEqual(encounter.company_id, self.clinic_a, "the patient's clinic")
        self.assertEqual(encounter.origin, "walk_in")
        self.assertEqual(encounter.state, "open")
        self.assertRegex(encounter.name, r"^ENC\d{6}$")
        self.assertEqual(encounter.access_url, f"/my/visits/{encounter.id}")

    def test_practitioner_must_work_at_the_clinic(self):
        with self.assertRaisesMessage(ValidationError, "does not work at"):
            self.env["hms.encounter"].create(
                {"patient_id": self.patient_a.id, "practitioner_id": self.practitioner_b.id}
            )

    @freeze_time("2026-03-02 10:00:00")
    def test_close_locks_the_clinical_content(self):
        encounter = self.closed_encounter(plan="Rest")
        self.assertEqual(encounter.state, "closed")
        self.assertEqual(str(encounter.date_closed), "2026-03-02 10:00:00")
        self.assertEqual(encounter.closed_by_id, self.doctor)
        self.assertEqual(encounter.primary_icd10_id, self.icd_hypertension)
        for values in ({"plan": "Silently changed"}, {"chief_complaint": "Other"}):
            with self.subTest(values=values), self.assertRaisesMessage(UserError, "addendum"):
                encounter.with_user(self.doctor).write(values)
        with self.assertRaisesMessage(UserError, "closed"):
            encounter.diagnosis_ids.with_user(self.doctor).write({"status": "resolved"})
        with self.assertRaisesMessage(UserError, "closed"):
            encounter.diagnosis_ids.with_user(self.doctor).unlink()
        with self.assertRaisesMessage(UserError, "closed"):
            self.env["hms.encounter.diagnosis"].with_user(self.doctor).create(
                {"encounter_id": encounter.id, "icd10_id": self.icd_uri.id}
            )
        with self.assertRaisesMessage(UserError, "closed"):
            self.env["hms.vital"].with_user(self.nurse).create(
                {"encounter_id": encounter.id, "pulse": 70}
            )
        with self.assertRaisesMessage(UserError, "already closed"):
            encounter.action_close()
        encounter.invalidate_recordset()
        self.assertEqual(encounter.plan, "Rest")
        self.assertEqual(encounter.diagnosis_ids.status, "confirmed")
        with self.assertRaisesMessage(UserError, "never deleted"):
            encounter.sudo().unlink()

    def test_addenda_are_append_only(self):
        encounter = self.closed_encounter()
        Addendum = self.env["hms.encounter.addendum"].with_user(self.doctor)
        with freeze_time("2026-03-03 08:00:00"):
            addendum = Addendum.create(
                {
                    "encounter_id": encounter.id,
                    "text": "BP re-measured: 128/80.",
                    "date": "2020-01-01",
                }
            )
        self.assertEqual(addendum.author_id, self.doctor)
        self.assertEqual(str(addendum.date), "2026-03-03 08:00:00", "time is the system's")
        self.assertEqual(encounter.addendum_ids, addendum)
        with self.assertRaisesMessage(UserError, "append-only"):
            addendum.write({"text": "Rewritten"})
        with self.assertRaisesMessage(UserError, "append-only"):
            addendum.sudo().unlink()
        with self.assertRaisesMessage(UserError, "open encounter"):
            Addendum.create({"encounter_id": self.open_encounter().id, "text": "Too early"})
        self.assertEqual(addendum.text, "BP re-measured: 128/80.")

    def test_only_doctors_close(self):
        encounter = self.open_encounter()
        with self.assertRaises(AccessError):
            encounter.with_user(self.nurse).action_close()
        self.assertEqual(encounter.state, "open")

    def test_primary_diagnosis_required_by_the_clinic(self):
        self.clinic_a.hms_require_primary_diagnosis = True
        encounter = self.open_encounter(
            diagnosis_ids=[(0, 0, {"icd10_id": self.icd_uri.id, "diagnosis_role": "secondary"})]
        )
        with self.assertRaisesMessage(UserError, "requires a primary diagnosis"):
            encounter.action_close()
        self.assertEqual(encounter.state, "open")
        encounter.diagnosis_ids.diagnosis_role = "primary"
        encounter.action_close()
        self.assertEqual(encounter.state, "closed")
        self.clinic_a.hms_require_primary_diagnosis = False
        other = self.open_encounter()
        other.action_close()
        self.assertEqual(other.state, "closed", "without the setting no diagnosis is needed")

    def test_setting_in_the_settings(self):
        settings = (
            self.env["res.config.settings"]
            .with_user(self.manager)
            .create({"hms_require_primary_diagnosis": True})
        )
        settings.execute()
        self.assertTrue(self.clinic_a.hms_require_primary_diagnosis)

    def test_diagnosis_codes_must_exist(self):
        encounter = self.open_encounter()
        Diagnosis = self.env["hms.encounter.diagnosis"].with_user(self.doctor)
        with self.assertRaisesMessage(ValidationError, "ZZZ.99 does not exist"):
            Diagnosis.create({"encounter_id": encounter.id, "icd10_code": "ZZZ.99"})
        with self.assertRaisesMessage(ValidationError, r"\(icd10_id\).*has the id 987654321"):
            Diagnosis.create({"encounter_id": encounter.id, "icd10_id": 987654321})
        self.assertFalse(encounter.diagnosis_ids)
        by_code = Diagnosis.create({"encounter_id": encounter.id, "icd10_code": "e11.9"})
        self.assertEqual(by_code.icd10_id, self.icd_diabetes)

    def test_one_primary_diagnosis(self):
        encounter = self.open_encounter(
            diagnosis_ids=[(0, 0, {"icd10_id": self.icd_uri.id, "diagnosis_role": "primary"})]
        )
        with self.assertRaisesMessage(ValidationError, "one primary"):
            encounter.write(
                {
                    "diagnosis_ids": [
                        (0, 0, {"icd10_id": self.icd_diabetes.id, "diagnosis_role": "primary"})
                    ]
                }
            )

    def test_consultation_done_hook(self):
        encounter = self.open_encounter(
            diagnosis_ids=[
                (0, 0, {"icd10_id": self.icd_diabetes.id, "is_chronic": True}),
                (0, 0, {"icd10_id": self.icd_uri.id}),
            ]
        )
        Encounter = type(self.env["hms.encounter"])
        original = Encounter._hms_on_consultation_done
        calls = []

        def spy(records):
            calls.append((records, records.mapped("state")))
            return original(records)

        Diagnosis = type(self.env["hms.encounter.diagnosis"])
        with (
            patch.object(Encounter, "_hms_on_consultation_done", spy),
            patch.object(
                Diagnosis,
                "_hms_feed_patient_conditions",
                autospec=True,
                side_effect=Diagnosis._hms_feed_patient_conditions,
            ) as feed,
        ):
            encounter.action_close()
        self.assertEqual(calls, [(encounter, ["closed"])], "called once, after closing")
        fed = feed.call_args.args[0]
        self.assertEqual(fed, encounter.diagnosis_ids)
        self.assertEqual(
            fed._hms_feed_patient_conditions().icd10_id, self.icd_diabetes, "chronic ones only"
        )

    def test_problem_list_banner(self):
        first = self.open_encounter(
            diagnosis_ids=[
                (0, 0, {"icd10_id": self.icd_diabetes.id, "is_chronic": True}),
                (0, 0, {"icd10_id": self.icd_hypertension.id, "is_chronic": True}),
                (0, 0, {"icd10_id": self.icd_uri.id}),
            ]
        )
        first.action_close()
        second = self.open_encounter(
            date_start="2099-01-01 10:00:00",
            diagnosis_ids=[
                (
                    0,
                    0,
                    {
                        "icd10_id": self.icd_hypertension.id,
                        "is_chronic": True,
                        "status": "resolved",
                    },
                )
            ],
        )
        self.assertEqual(second.patient_problem_ids.icd10_id, self.icd_diabetes)
        self.assertEqual(self.patient_a.problem_diagnosis_ids.icd10_id, self.icd_diabetes)
        self.assertFalse(self.patient_b.problem_diagnosis_ids)

    def test_release_summary(self):
        encounter = self.open_encounter()
        with self.assertRaisesMessage(UserError, "closed encounter"):
            encounter.action_release_summary()
        encounter.action_close()
        with mute_logger("odoo.addons.base.models.ir_rule"), self.assertRaises(AccessError):
            encounter.with_user(self.nurse).action_release_summary()
        encounter.with_user(self.doctor).action_release_summary()
        self.assertTrue(encounter.is_summary_released)
        self.assertTrue(encounter.summary_released_date)
