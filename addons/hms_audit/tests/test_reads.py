from odoo import Command
from odoo.tests import tagged

from .common import HmsAuditCase


@tagged("post_install", "-at_install")
class TestAuditReads(HmsAuditCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.patients = cls.env["hms.patient"].create(
            [{"name": f"Listed {i:03}", "company_id": cls.clinic_a.id} for i in range(85)]
        )
        clinics = cls.clinic_a | cls.clinic_b
        cls.env.ref("base.user_admin").company_ids |= clinics
        cls.admin = cls.env.ref("base.user_admin").with_context(allowed_company_ids=clinics.ids)

    def test_list_view_of_80_is_one_event(self):
        Patient = self.env["hms.patient"].with_user(self.receptionist)
        result = Patient.web_search_read(
            [("name", "like", "Listed")],
            {"name": {}, "mrn": {}, "company_id": {"fields": {"display_name": {}}}},
            limit=80,
        )
        self.assertEqual(len(result["records"]), 80)
        event = self.events_since(self.mark)
        self.assertEqual(len(event), 1)
        self.assertEqual(event.action, "read")
        self.assertEqual(event.record_count, 80)
        self.assertEqual(sorted(event.patient_ids.ids), sorted(r["id"] for r in result["records"]))

    def test_form_open_and_repeated_reads_are_merged_per_transaction(self):
        patient = self.patient_a.with_user(self.doctor)
        patient.web_read({"name": {}, "birthdate": {}})
        patient.web_read({"name": {}})
        self.patients[:3].with_user(self.doctor).read(["name"])
        event = self.events_since(self.mark)
        self.assertEqual(len(event), 1)
        self.assertEqual(sorted(event.res_ids), sorted((self.patient_a | self.patients[:3]).ids))
        self.assertEqual(event.user_id, self.doctor)

    def test_rpc_read_and_search_read_by_admin(self):
        admin = self.admin
        self.env["hms.patient"].with_user(admin).with_context(admin.env.context).search_read(
            [("id", "=", self.patient_b.id)], ["mrn"]
        )
        event = self.events_since(self.mark)
        self.assertEqual(
            (event.action, event.user_id, event.res_ids), ("read", admin, self.patient_b.ids)
        )

    def test_internal_reads_are_not_accesses(self):
        self.patient_a.sudo().read(["name"])
        self.assertEqual(self.patient_a.with_user(self.doctor).name, "Alice Test")
        self.assertFalse(self.events_since(self.mark))

    def test_export(self):
        admin = self.admin
        rows = (
            self.patients[:5]
            .with_user(admin)
            .with_context(admin.env.context)
            .export_data(["name", "mrn"])["datas"]
        )
        self.assertEqual(len(rows), 5)
        event = self.events_since(self.mark)
        self.assertEqual(event.action, "export")
        self.assertEqual(event.field_names, "name,mrn")
        self.assertEqual(event.record_count, 5)

    def test_print(self):
        self.env["ir.ui.view"].create(
            {
                "name": "hms_audit.test_patient_card",
                "type": "qweb",
                "key": "hms_audit.test_patient_card",
                "arch": '<t t-name="hms_audit.test_patient_card">'
                '<p t-foreach="docs" t-as="doc" t-out="doc.name"/></t>',
            }
        )
        report = self.env["ir.actions.report"].create(
            {
                "name": "Patient card",
                "model": "hms.patient",
                "report_type": "qweb-html",
                "report_name": "hms_audit.test_patient_card",
            }
        )
        html, _format = report.with_user(self.doctor)._render_qweb_html(
            report.id, self.patients[:2].ids
        )
        self.assertIn(b"Listed 000", html)
        event = self.events_since(self.mark)
        self.assertEqual(event.action, "print")
        self.assertEqual(sorted(event.res_ids), sorted(self.patients[:2].ids))
        self.assertEqual(event.reason, "hms_audit.test_patient_card")

    def test_rules_switch_reads_and_models_off(self):
        rule = self.env["hms.audit.rule"].search([("model", "=", "hms.patient")])
        rule.audit_reads = False
        self.patient_a.with_user(self.doctor).read(["name"])
        self.patient_a.with_user(self.receptionist).write({"gender": "female"})
        self.assertEqual(self.events_since(self.mark).mapped("action"), ["write"])
        mark = self.audit_mark()
        rule.active = False
        self.patient_a.with_user(self.receptionist).write({"gender": "male"})
        self.assertFalse(self.events_since(mark))

    def test_a_model_added_to_the_rules_is_audited(self):
        self.env["hms.audit.rule"].create(
            {"model_id": self.env["ir.model"]._get_id("res.partner"), "audit_reads": False}
        )
        partner = self.env["res.partner"].create(
            {"name": "Payer", "category_id": [Command.clear()]}
        )
        event = self.events_since(self.mark)
        self.assertEqual(
            (event.action, event.model, event.res_ids), ("create", "res.partner", partner.ids)
        )
