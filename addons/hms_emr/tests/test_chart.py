from unittest.mock import patch

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import HmsEmrCase


@tagged("post_install", "-at_install")
class TestChart(HmsEmrCase):
    def setUp(self):
        super().setUp()
        self.old = self.open_encounter(
            date_start="2025-05-01 09:00:00",
            chief_complaint="Back pain",
            diagnosis_ids=[(0, 0, {"icd10_id": self.icd_hypertension.id, "is_chronic": True})],
        )
        self.env["hms.vital"].create(
            {"encounter_id": self.old.id, "date": "2025-05-01 09:05:00", "bp_systolic": 150}
        )
        self.old.action_close()
        self.new = self.open_encounter(date_start="2026-02-01 11:00:00", chief_complaint="Cough")

    def test_one_timeline_newest_first(self):
        events = self.patient_a.with_user(self.nurse)._hms_chart_events()
        self.assertEqual(
            [event["kind"] for event in events], ["encounter", "vital", "encounter", "diagnosis"]
        )
        self.assertEqual(events[0]["res_id"], self.new.id)
        self.assertEqual(events[0]["detail"], "Cough")
        self.assertTrue(events[1]["is_abnormal"])
        self.assertIn("BP 150/0", events[1]["detail"])
        self.assertEqual(events[3]["title"], "I10 Essential (primary) hypertension")
        self.assertFalse(self.patient_b._hms_chart_events())

    def test_paging(self):
        chart = self.patient_a._hms_chart_events
        self.assertEqual(chart(limit=2, offset=2), chart()[2:4])
        self.assertEqual(len(chart(limit=1)), 1)

    def test_extension_point(self):
        Patient = type(self.env["hms.patient"])
        extra = {"date": self.new.date_start, "kind": "lab", "model": "x", "res_id": 0}
        original = Patient._hms_chart_sources

        def sources(patient):
            return [*original(patient), lambda limit: [extra]]

        with patch.object(Patient, "_hms_chart_sources", sources):
            kinds = [event["kind"] for event in self.patient_a._hms_chart_events()]
        self.assertEqual(kinds.count("lab"), 1)

    def test_html_chart_for_clinical_staff_only(self):
        html = str(self.patient_a.with_user(self.nurse).chart_html)
        self.assertIn("Cough", html)
        self.assertIn("Back pain", html)
        self.assertEqual(self.patient_a.with_user(self.nurse).encounter_count, 2)
        as_receptionist = self.patient_a.with_user(self.receptionist)
        self.assertEqual(as_receptionist.read(["name"])[0]["name"], "Alice Test")
        with mute_logger("odoo.models"):
            for field in (
                "chart_html",
                "encounter_ids",
                "problem_diagnosis_ids",
                "encounter_count",
            ):
                with self.subTest(field=field), self.assertRaises(AccessError):
                    as_receptionist.read([field])
        view = as_receptionist.get_view(self.env.ref("hms_patient.hms_patient_view_form").id)
        self.assertNotIn("chart_html", view["arch"])
        self.assertNotIn("action_hms_open_encounters", view["arch"])
