from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import HmsPharmacyCase

# What the web client asks for the queue's list view (hms_prescription_view_list_queue).
LIST_SPEC = {
    "priority": {},
    "name": {},
    "patient_label": {},
    "practitioner_id": {"fields": {"display_name": {}}},
    "date_issued": {},
    "waiting_minutes": {},
    "queue_step": {},
    "safety_severity": {},
    "state": {},
    "company_id": {"fields": {}},
    "patient_id": {"fields": {}},
}


@tagged("post_install", "-at_install")
class TestQueue(HmsPharmacyCase):
    def queue_page(self):
        """The queue's list as the pharmacist's web client reads it, and its query count."""
        domain = safe_eval(self.env.ref("hms_pharmacy.hms_prescription_action_queue").domain)
        Prescription = self.env["hms.prescription"].with_user(self.pharmacist)
        self.env.flush_all()
        # Once to fill the caches of access rights and rules, then measured with cold records.
        Prescription.web_search_read(domain, LIST_SPEC, limit=80, count_limit=10001)
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        result = Prescription.web_search_read(domain, LIST_SPEC, limit=80, count_limit=10001)
        return result["records"], self.env.cr.sql_log_count - before

    def test_a_page_shows_the_patients_labels_in_the_same_queries(self):
        self.issued(self.line(self.paracetamol))
        records, one_patient = self.queue_page()
        self.assertEqual(len(records), 1)
        self.assertEqual(records[0]["patient_label"], self.patient_a.display_name)
        self.assertEqual(records[0]["safety_severity"], "none")
        patient_c = self.env["hms.patient"].create(
            {"name": "Carl Test", "birthdate": "1970-02-02", "company_id": self.clinic_a.id}
        )
        for patient in (patient_c, self.patient_dependant):
            self.env["hms.prescription"].create(
                {
                    "patient_id": patient.id,
                    "practitioner_id": self.practitioner_a.id,
                    "company_id": self.clinic_a.id,
                    "line_ids": [self.line(self.paracetamol)],
                }
            ).write({"state": "issued", "queue_step": "to_verify", "date_issued": "2026-01-01"})
        records, three_patients = self.queue_page()
        patients = self.patient_a | patient_c | self.patient_dependant
        self.assertEqual(
            {record["patient_label"] for record in records}, set(patients.mapped("display_name"))
        )
        self.assertEqual(one_patient, three_patients)

    def test_the_patient_label_follows_the_patient(self):
        prescription = self.issued(self.line(self.paracetamol))
        self.patient_a.name = "Alice Renamed"
        self.assertIn("Alice Renamed", prescription.patient_label)
        self.assertEqual(prescription.patient_label, self.patient_a.display_name)

    def test_the_queue_views_read_the_stored_label(self):
        for xmlid in ("hms_prescription_view_list_queue", "hms_prescription_view_kanban_queue"):
            arch = self.env.ref(f"hms_pharmacy.{xmlid}").arch
            self.assertIn('name="patient_label"', arch)
            # The patient's id only, for the audit trail: not its name from its contact.
            self.assertRegex(arch, r'name="patient_id" (column_)?invisible="True"')
