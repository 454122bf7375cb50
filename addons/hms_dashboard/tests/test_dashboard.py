import json
import re

from freezegun import freeze_time

from odoo.tests import HttpCase, tagged

from odoo.addons.hms_appointment.tests.common import (
    HmsAppointmentCase,
    HmsAppointmentCommon,
    at,
)

from .common import DashboardBrowserMixin


@tagged("post_install", "-at_install")
@freeze_time("2030-06-01 10:00:00")
class TestHospitalDashboard(HmsAppointmentCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dashboard = cls.env.ref("hms_dashboard.spreadsheet_dashboard_clinic")
        cls.spreadsheet = json.loads(cls.dashboard.spreadsheet_data)

    def test_in_the_hospital_group_for_the_clinic_staff(self):
        hospital = self.env.ref("hms_dashboard.spreadsheet_dashboard_group_hospital")
        self.assertEqual(self.dashboard.dashboard_group_id, hospital)
        self.assertTrue(self.dashboard.is_published)
        Dashboard = self.env["spreadsheet.dashboard"]
        for role in ("receptionist", "nurse", "doctor", "manager", "auditor"):
            with self.subTest(role=role):
                visible = Dashboard.with_user(self.users[role]).search([])
                self.assertIn(self.dashboard, visible)
        for role in ("pharmacist", "lab_technician", "billing_clerk"):
            with self.subTest(role=role):
                visible = Dashboard.with_user(self.users[role]).search([])
                self.assertNotIn(self.dashboard, visible)
        data = self.dashboard.with_user(self.receptionist).get_readonly_dashboard()
        self.assertEqual(data["snapshot"]["pivots"].keys(), self.spreadsheet["pivots"].keys())

    def test_kpis_are_read_from_the_report_models(self):
        """Every pivot, chart and global filter names fields of an SQL-view report model, and
        the KPIs cells show the clinic's patients seen, no-shows and waiting times."""
        filters = {f["id"]: f for f in self.spreadsheet["globalFilters"]}
        charts = [
            figure["data"]
            for sheet in self.spreadsheet["sheets"]
            for figure in sheet["figures"]
            if figure["data"]["type"].startswith("odoo_")
        ]
        sources = [*self.spreadsheet["pivots"].values(), *charts]
        self.assertTrue(charts)
        for source in sources:
            model = source.get("model") or source["metaData"]["resModel"]
            Report = self.env[model]
            self.assertFalse(Report._auto, f"{model} is an SQL view")
            names = [m["fieldName"] for m in source.get("measures", [])]
            names += [r["fieldName"] for r in source.get("rows", [])]
            names += [g.split(":")[0] for g in source.get("metaData", {}).get("groupBy", [])]
            names += [source.get("metaData", {}).get("measure", "__count")]
            names += [match["chain"] for match in source["fieldMatching"].values()]
            for name in set(names) - {"__count"}:
                self.assertIn(name, Report._fields, f"{model}.{name}")
            self.assertEqual(source["fieldMatching"].keys(), filters.keys())
        formulas = [
            cell["content"]
            for sheet in self.spreadsheet["sheets"]
            for cell in sheet["cells"].values()
            if "PIVOT" in cell.get("content", "")
        ]
        for pivot_id, measure in (
            re.findall(r'PIVOT\.(?:VALUE|HEADER)\((\d+),"([#\w]+)"', formula)[0]
            for formula in formulas
        ):
            self.assertIn(pivot_id, self.spreadsheet["pivots"])
            model = self.spreadsheet["pivots"][pivot_id]["model"]
            if not measure.startswith("#"):
                self.assertIn(measure, self.env[model]._fields)
        kpis = self.spreadsheet["sheets"][1]["cells"]
        self.assertEqual(
            [kpis[f"A{row}"]["content"] for row in range(2, 6)],
            [
                '=_t("Patients seen")',
                '=_t("No-shows")',
                '=_t("No-show rate")',
                '=_t("Average wait (min)")',
            ],
        )
        # What the KPIs pivot asks the server, as the receptionist, over her clinic's day.
        seen = self.book(at(0, 9))
        with freeze_time("2030-06-03 08:55:00"):
            seen.action_check_in()
        with freeze_time("2030-06-03 09:15:00"):
            seen.action_start_consultation()
        self.book(at(0, 10), patient=self.patient_c).action_no_show()
        pivot = self.spreadsheet["pivots"]["1"]
        Report = self.env[pivot["model"]].with_user(self.receptionist)
        [row] = Report.read_group(
            [("company_id", "=", self.clinic_a.id)],
            [
                f"{m['fieldName']}:{Report._fields[m['fieldName']].aggregator}"
                for m in pivot["measures"]
            ],
            [],
        )
        self.assertEqual(
            (row["seen_count"], row["no_show_count"], row["no_show_rate"], row["waiting_minutes"]),
            (1, 1, 50.0, 20.0),
        )


@tagged("post_install", "-at_install")
class TestHospitalDashboardInBrowser(DashboardBrowserMixin, HmsAppointmentCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_hms()

    def test_the_clinic_dashboard_opens(self):
        """The spreadsheet loads in the Dashboards app and draws its KPIs and chart."""
        dashboard = self.env.ref("hms_dashboard.spreadsheet_dashboard_clinic")
        self.assertEqual(
            dashboard.dashboard_group_id,
            self.env.ref("hms_dashboard.spreadsheet_dashboard_group_hospital"),
        )
        self.assertDashboardDraws(dashboard, 5, self.receptionist.login)
