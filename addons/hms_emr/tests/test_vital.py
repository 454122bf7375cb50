from freezegun import freeze_time

from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import HmsEmrCase


@tagged("post_install", "-at_install")
class TestVital(HmsEmrCase):
    def setUp(self):
        super().setUp()
        self.encounter = self.open_encounter()
        self.Vital = self.env["hms.vital"].with_user(self.nurse)

    @freeze_time("2026-03-02 09:15:00")
    def test_reading_is_timestamped_attributed_and_computes_bmi(self):
        vital = self.Vital.create(
            {"encounter_id": self.encounter.id, "weight": 81.0, "height": 180.0, "pulse": 72}
        )
        self.assertEqual(vital.patient_id, self.patient_a)
        self.assertEqual(vital.company_id, self.clinic_a)
        self.assertEqual(vital.recorded_by_id, self.nurse)
        self.assertEqual(str(vital.date), "2026-03-02 09:15:00")
        self.assertEqual(vital.bmi, 25.0)
        self.assertTrue(vital.is_abnormal, "BMI 25 is above the normal range")
        self.assertEqual(vital.abnormal_summary, "BMI high")
        vital.weight = 70.0
        self.assertEqual(vital.bmi, 21.6)
        self.assertFalse(vital.is_abnormal)

    def test_several_readings_per_encounter(self):
        self.Vital.create({"encounter_id": self.encounter.id, "temperature": 38.4})
        self.Vital.create({"encounter_id": self.encounter.id, "temperature": 37.2})
        self.assertEqual(len(self.encounter.vital_ids), 2)
        flagged = self.encounter.vital_ids.filtered("is_abnormal")
        self.assertEqual(flagged.temperature, 38.4)
        self.assertEqual(flagged.abnormal_summary, "Temperature high")

    def test_flags_low_and_high(self):
        vital = self.Vital.create(
            {
                "patient_id": self.patient_a.id,
                "bp_systolic": 165,
                "bp_diastolic": 70,
                "spo2": 89,
                "pain_score": "8",
            }
        )
        self.assertEqual(vital.abnormal_summary, "Systolic BP high, SpO2 low, Severe pain")
        self.assertFalse(vital.encounter_id, "triage readings need no encounter")

    def test_implausible_values_are_refused(self):
        for field, value, label in (
            ("temperature", 80.0, "Temperature"),
            ("weight", -3.0, "Weight"),
            ("pulse", 900, "Pulse"),
            ("spo2", 120, "SpO2"),
            ("height", 400.0, "Height"),
        ):
            with self.subTest(field=field), self.assertRaisesMessage(ValidationError, label):
                self.Vital.create({"encounter_id": self.encounter.id, field: value})
        with self.assertRaisesMessage(ValidationError, "one measurement"):
            self.Vital.create({"encounter_id": self.encounter.id})
        vital = self.Vital.create({"encounter_id": self.encounter.id, "temperature": 37.0})
        with self.assertRaisesMessage(ValidationError, "Temperature"):
            vital.temperature = 80.0
        self.assertFalse(self.encounter.vital_ids - vital, "nothing else was saved")

    def test_form_computes_bmi_live(self):
        with Form(self.env["hms.vital"].with_user(self.nurse)) as form:
            form.encounter_id = self.encounter
            form.weight = 100
            form.height = 200
            self.assertEqual(form.bmi, 25.0)
            self.assertEqual(form.patient_id, self.patient_a)

    def test_chart_over_time_from_the_patient(self):
        self.Vital.create(
            {"encounter_id": self.encounter.id, "pulse": 80, "date": "2026-01-01 10:00:00"}
        )
        self.Vital.create(
            {"encounter_id": self.encounter.id, "pulse": 90, "date": "2026-02-01 10:00:00"}
        )
        action = self.patient_a.with_user(self.nurse).action_hms_open_vitals()
        self.assertTrue(action["view_mode"].startswith("graph"))
        groups = (
            self.env["hms.vital"]
            .with_user(self.nurse)
            .read_group(action["domain"], ["pulse:avg"], ["date:month"])
        )
        self.assertEqual([group["pulse"] for group in groups], [80, 90])
