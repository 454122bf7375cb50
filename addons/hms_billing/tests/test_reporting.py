import json
import re
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.hms_dashboard.tests.common import DashboardBrowserMixin

from .common import HmsBillingCase, HmsBillingCommon

REPORTS = ("hms.revenue.report", "hms.unbilled.ageing.report", "hms.receivable.ageing.report")


class HmsReportingMixin:
    def charge(self, days_ago, amount=10.0, patient=None, code=None):
        """A charge of ``patient`` (patient A) still to bill, served ``days_ago`` days ago."""
        patient = patient or self.patient_a
        return self.env["hms.charge"].create(
            {
                "res_model": "hms.patient",
                "res_id": patient.id,
                "code": code or f"report-{days_ago}-{amount}",
                "name": "Dressing",
                "patient_id": patient.id,
                "company_id": patient.company_id.id,
                "product_id": self.fee.id,
                "price_unit": amount,
                "date": fields.Date.today() - timedelta(days=days_ago),
            }
        )

    def invoice(self, charges, days_ago=0):
        """The posted invoice(s) of ``charges``, dated (and due) ``days_ago`` days ago."""
        invoices = charges._hms_invoice()
        day = fields.Date.today() - timedelta(days=days_ago)
        invoices.write({"invoice_date": day, "invoice_date_due": day})
        invoices.action_post()
        return invoices

    def refund(self, invoice):
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "reason": "Billed in error"})
        )
        reversal.refund_moves()
        invoice.reversal_move_ids.action_post()
        return invoice.reversal_move_ids

    def by_bucket(self, model, measure, domain=()):
        Report = self.env[model].with_user(self.billing_clerk)
        groups = Report.read_group(list(domain), [f"{measure}:sum"], ["age_bucket"])
        return {group["age_bucket"]: group[measure] for group in groups}


@tagged("post_install", "-at_install")
class TestRevenueReport(HmsReportingMixin, HmsBillingCase):
    def test_split_invoice_is_one_row_per_share_and_a_credit_note_counts_negative(self):
        self.clinic_a.hms_invoice_on_close = "posted"
        self.insure(coverage=80.0)
        encounter = self.closed_encounter()
        charge = self.charges_of(encounter)
        invoices = charge.invoice_line_ids.move_id
        patient_invoice = invoices.filtered(lambda m: m.hms_share == "patient")
        Report = self.env["hms.revenue.report"].with_user(self.billing_clerk)
        rows = Report.search([("charge_id", "=", charge.id)], order="payer_type")
        self.assertEqual(
            [(r.payer_type, r.partner_id, r.amount, r.quantity) for r in rows],
            [
                ("patient", self.patient_a.partner_id, 10.0, 1.0),
                ("payer", self.insurer, 40.0, 1.0),
            ],
        )
        for row in rows:
            self.assertEqual(
                (
                    row.company_id,
                    row.practitioner_id,
                    row.product_id,
                    row.categ_id,
                    row.patient_id,
                    row.date,
                    row.invoice_date,
                    row.move_type,
                ),
                (
                    self.clinic_a,
                    self.practitioner_a,
                    self.fee,
                    self.fee.categ_id,
                    self.patient_a,
                    charge.date,
                    row.move_id.invoice_date,
                    "out_invoice",
                ),
            )
        self.assertEqual(rows.move_id, invoices)

        credit_note = self.refund(patient_invoice)
        rows = Report.search([("charge_id", "=", charge.id)])
        refund_row = rows.filtered(lambda r: r.move_id == credit_note)
        self.assertEqual(
            (refund_row.move_type, refund_row.amount, refund_row.quantity),
            ("out_refund", -10.0, -1.0),
        )
        [by_payer_type] = Report.read_group(
            [("charge_id", "=", charge.id), ("payer_type", "=", "patient")], ["amount:sum"], []
        )
        self.assertEqual(by_payer_type["amount"], 0.0)
        [total] = Report.read_group([("charge_id", "=", charge.id)], ["amount:sum"], [])
        self.assertEqual(total["amount"], 40.0)

    def test_draft_invoices_and_taxes_are_not_revenue(self):
        tax = self.env["account.tax"].create(
            {"name": "Report VAT 10%", "amount": 10.0, "company_id": self.clinic_a.id}
        )
        charge = self.charge(3, amount=100.0)
        self.fee.taxes_id = tax
        invoice = charge._hms_invoice()
        Report = self.env["hms.revenue.report"].with_user(self.billing_clerk)
        self.assertFalse(Report.search([("charge_id", "=", charge.id)]))
        invoice.action_post()
        self.assertEqual(invoice.amount_total, 110.0)
        row = Report.search([("charge_id", "=", charge.id)])
        self.assertEqual((row.amount, row.move_id), (100.0, invoice))

    def test_billing_clerk_sees_the_rows_of_their_clinic_only(self):
        own = self.invoice(self.charge(1))
        other = self.invoice(self.charge(1, patient=self.patient_b))
        self.charge(40)
        self.charge(40, patient=self.patient_b)
        for model in REPORTS:
            with self.subTest(model=model):
                rows = self.env[model].with_user(self.billing_clerk).search([])
                self.assertTrue(rows)
                self.assertEqual(rows.company_id, self.clinic_a)
                self.assertTrue(self.env[model].search([("company_id", "=", self.clinic_b.id)]))
        move_ids = (
            self.env["hms.revenue.report"].with_user(self.billing_clerk).search([]).move_id.ids
        )
        self.assertIn(own.id, move_ids)
        self.assertNotIn(other.id, move_ids)
        manager_rows = self.env["hms.revenue.report"].with_user(self.manager).search([])
        self.assertIn(own, manager_rows.move_id)

    def test_clinical_and_front_desk_roles_do_not_read_billing_reports(self):
        self.invoice(self.charge(1))
        for role in ("nurse", "doctor", "receptionist", "pharmacist", "lab_technician"):
            for model in REPORTS:
                with (
                    self.subTest(role=role, model=model),
                    mute_logger("odoo.addons.base.models.ir_model"),
                    self.assertRaises(AccessError),
                ):
                    self.env[model].with_user(self.users[role]).search_read([], ["company_id"])


@tagged("post_install", "-at_install")
class TestAgeingReports(HmsReportingMixin, HmsBillingCase):
    def test_unbilled_charges_by_age_of_the_date_of_service(self):
        for days, amount in ((0, 1.0), (30, 2.0), (31, 4.0), (60, 8.0), (75, 16.0), (120, 32.0)):
            self.charge(days, amount)
        self.charge(10, 64.0)._action_waive("Goodwill")
        self.invoice(self.charge(100, 128.0))
        self.charge(100, 256.0, patient=self.patient_b)
        self.assertEqual(
            self.by_bucket("hms.unbilled.ageing.report", "amount"),
            {"0_30": 3.0, "31_60": 12.0, "61_90": 16.0, "90_plus": 32.0},
        )
        Report = self.env["hms.unbilled.ageing.report"].with_user(self.billing_clerk)
        oldest = Report.search([("age_bucket", "=", "90_plus")])
        self.assertEqual(
            (oldest.age_days, oldest.patient_id, oldest.company_id),
            (120, self.patient_a, self.clinic_a),
        )
        # Billing a charge takes it out of the ageing.
        self.invoice(oldest.charge_id)
        self.assertNotIn("90_plus", self.by_bucket("hms.unbilled.ageing.report", "amount"))

    def test_open_invoices_by_days_overdue(self):
        for days, amount in ((0, 1.0), (20, 2.0), (45, 4.0), (80, 8.0), (200, 16.0)):
            self.invoice(self.charge(days, amount), days_ago=days)
        paid = self.invoice(self.charge(50, 32.0), days_ago=50)
        partly_paid = self.invoice(self.charge(51, 64.0), days_ago=51)
        register = self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=paid.ids
        )
        register.create({})._create_payments()
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=partly_paid.ids
        ).create({"amount": 60.0})._create_payments()
        self.invoice(self.charge(45, 128.0, patient=self.patient_b), days_ago=45)
        self.assertEqual(
            self.by_bucket("hms.receivable.ageing.report", "amount_residual"),
            {"not_due": 1.0, "1_30": 2.0, "31_60": 8.0, "61_90": 8.0, "90_plus": 16.0},
        )
        Report = self.env["hms.receivable.ageing.report"].with_user(self.billing_clerk)
        [totals] = Report.read_group([], ["amount_residual:sum", "amount_overdue:sum"], [])
        self.assertEqual((totals["amount_residual"], totals["amount_overdue"]), (35.0, 34.0))
        row = Report.search([("move_id", "=", partly_paid.id)])
        self.assertEqual(
            (row.days_overdue, row.partner_id, row.payer_type, row.patient_id),
            (51, self.patient_a.partner_id, "patient", self.patient_a),
        )


@tagged("post_install", "-at_install")
class TestBillingDashboard(HmsReportingMixin, HmsBillingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dashboard = cls.env.ref("hms_billing.spreadsheet_dashboard_billing")
        cls.spreadsheet = json.loads(cls.dashboard.spreadsheet_data)

    def test_in_the_hospital_group_for_the_billing_clerks(self):
        self.assertEqual(
            self.dashboard.dashboard_group_id,
            self.env.ref("hms_dashboard.spreadsheet_dashboard_group_hospital"),
        )
        self.assertTrue(self.dashboard.is_published)
        Dashboard = self.env["spreadsheet.dashboard"]
        for role in ("billing_clerk", "manager"):
            with self.subTest(role=role):
                self.assertIn(self.dashboard, Dashboard.with_user(self.users[role]).search([]))
        for role in ("receptionist", "nurse", "doctor", "pharmacist", "lab_technician"):
            with self.subTest(role=role):
                self.assertNotIn(self.dashboard, Dashboard.with_user(self.users[role]).search([]))
        data = self.dashboard.with_user(self.billing_clerk).get_readonly_dashboard()
        self.assertEqual(data["snapshot"]["pivots"].keys(), self.spreadsheet["pivots"].keys())

    def test_data_sources_name_fields_of_the_report_models(self):
        filters = {f["id"] for f in self.spreadsheet["globalFilters"]}
        charts = [
            figure["data"]
            for sheet in self.spreadsheet["sheets"]
            for figure in sheet["figures"]
            if figure["data"]["type"].startswith("odoo_")
        ]
        self.assertTrue(charts)
        for source in [*self.spreadsheet["pivots"].values(), *charts]:
            model = source.get("model") or source["metaData"]["resModel"]
            self.assertIn(model, REPORTS)
            Report = self.env[model].with_user(self.billing_clerk)
            names = [m["fieldName"] for m in source.get("measures", [])]
            names += [r["fieldName"] for r in source.get("rows", [])]
            names += [g.split(":")[0] for g in source.get("metaData", {}).get("groupBy", [])]
            names += [source.get("metaData", {}).get("measure", "__count")]
            names += [m["chain"] for m in source["fieldMatching"].values() if m.get("chain")]
            for name in set(names) - {"__count"}:
                self.assertIn(name, Report._fields, f"{model}.{name}")
            self.assertEqual(source["fieldMatching"].keys(), filters)
            # What the data source asks the server, as the billing clerk.
            measures = [m["fieldName"] for m in source.get("measures", [])] or [
                source["metaData"]["measure"]
            ]
            groupby = [r["fieldName"] for r in source.get("rows", [])]
            groupby += source.get("metaData", {}).get("groupBy", [])
            Report.read_group([], [f"{m}:sum" for m in measures], groupby, lazy=False)
        formulas = [
            cell["content"]
            for sheet in self.spreadsheet["sheets"]
            for cell in sheet["cells"].values()
            if "PIVOT" in cell.get("content", "")
        ]
        self.assertTrue(formulas)
        for formula in formulas:
            pivot_id, measure, field, value = re.search(
                r'PIVOT\.VALUE\((\d+),"(\w+)"(?:,"(\w+)","(\w+)")?\)', formula
            ).groups()
            pivot = self.spreadsheet["pivots"][pivot_id]
            self.assertIn(measure, [m["fieldName"] for m in pivot["measures"]], formula)
            if field:
                self.assertEqual([r["fieldName"] for r in pivot["rows"]], [field], formula)
                selection = self.env[pivot["model"]]._fields[field].selection
                self.assertIn(value, dict(selection), formula)

    def test_kpis_read_this_months_revenue_unbilled_and_overdue(self):
        """The KPI pivots' figures for the billing clerk of clinic A."""
        self.invoice(self.charge(0, 100.0))
        self.invoice(self.charge(40, 30.0), days_ago=40)
        self.charge(5, 7.0)
        self.invoice(self.charge(0, 1000.0, patient=self.patient_b))
        pivots = self.spreadsheet["pivots"]
        today = fields.Date.today()
        values = {}
        for pivot_id, date_domain in (
            ("1", [("invoice_date", ">=", today.replace(day=1))]),
            ("2", []),
            ("3", []),
        ):
            pivot = pivots[pivot_id]
            Report = self.env[pivot["model"]].with_user(self.billing_clerk)
            measures = [m["fieldName"] for m in pivot["measures"]]
            [row] = Report.read_group(date_domain, [f"{m}:sum" for m in measures], [])
            values[pivot_id] = {m: row[m] for m in measures}
        self.assertEqual(values["1"]["amount"], 100.0)
        self.assertEqual(values["2"]["amount"], 7.0)
        self.assertEqual(values["3"]["amount_overdue"], 30.0)
        self.assertEqual(values["3"]["amount_residual"], 130.0)


@tagged("post_install", "-at_install")
class TestBillingDashboardInBrowser(
    DashboardBrowserMixin, HmsReportingMixin, HmsBillingCommon, HttpCase
):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_hms()

    def test_the_billing_dashboard_opens(self):
        """The spreadsheet loads for a billing clerk and draws its KPIs and chart."""
        self.invoice(self.charge(0, 100.0))
        self.charge(5, 7.0)
        dashboard = self.env.ref("hms_billing.spreadsheet_dashboard_billing")
        self.assertTrue(dashboard.with_user(self.billing_clerk).has_access("read"))
        self.assertDashboardDraws(dashboard, 4, self.billing_clerk.login)
