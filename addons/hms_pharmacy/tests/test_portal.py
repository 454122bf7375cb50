from xmlrpc.client import Fault

from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.hms_base.tests.common import hms_password

from .common import HmsPharmacyCommon


@tagged("post_install", "-at_install", "hms_access")
class TestPortalPrescriptions(HmsPharmacyCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_hms()

    def setUp(self):
        super().setUp()
        self.own = self.issued(self.line(self.paracetamol), note="Confidential working note")
        self.draft_own = self.draft(self.line(self.ibuprofen))
        self.dependant = self.issued(self.line(self.paracetamol), patient=self.patient_dependant)
        self.other = self.issued(
            self.line(self.paracetamol), patient=self.patient_b, user=self.doctor_b
        )

    def link(self, prescription):
        return f'href="/my/prescriptions/{prescription.id}?download=true"'

    def test_patient_lists_and_downloads_own_issued_prescriptions(self):
        self.authenticate(self.portal_patient_a.login, hms_password(self.portal_patient_a))
        page = self.url_open("/my/prescriptions")
        self.assertEqual(page.status_code, 200)
        self.assertTrue(self.link(self.own) in page.text)
        for hidden in (self.draft_own, self.dependant, self.other):
            self.assertFalse(self.link(hidden) in page.text, hidden.name)
        self.assertTrue("/my/prescriptions" in self.url_open("/my/home").text)
        pdf = self.url_open(f"/my/prescriptions/{self.own.id}?download=true")
        self.assertEqual(pdf.status_code, 200)
        self.assertEqual(pdf.headers["Content-Type"], "application/pdf")
        self.assertIn("Prescription", pdf.headers.get("Content-Disposition", ""))

    def test_guardian_sees_the_dependant(self):
        self.authenticate(self.portal_guardian.login, hms_password(self.portal_guardian))
        page = self.url_open("/my/prescriptions")
        self.assertTrue(self.link(self.dependant) in page.text)
        self.assertFalse(self.link(self.own) in page.text)

    def test_forged_ids_are_refused(self):
        self.authenticate(self.portal_patient_a.login, hms_password(self.portal_patient_a))
        with mute_logger("odoo.addons.base.models.ir_rule", "odoo.http"):
            for prescription_id in (self.draft_own.id, self.dependant.id, self.other.id, 999999999):
                with self.subTest(prescription_id=prescription_id):
                    response = self.url_open(
                        f"/my/prescriptions/{prescription_id}", allow_redirects=False
                    )
                    self.assertEqual(response.status_code, 303)
                    self.assertTrue(response.headers["Location"].endswith("/my"))

    def test_rpc_reads_only_own_and_no_clinical_note(self):
        user = self.portal_patient_a
        ids = self.rpc(user, "hms.prescription", "search", [])
        self.assertEqual(ids, self.own.ids)
        rows = self.rpc(user, "hms.prescription.line", "search_read", [], fields=["product_id"])
        self.assertEqual([row["id"] for row in rows], self.own.line_ids.ids)
        with mute_logger("odoo.addons.base.models.ir_rule", "odoo.http", "odoo.models"):
            for record, fields in (
                (self.other, ["name"]),
                (self.draft_own, ["name"]),
                (self.own, ["note"]),
            ):
                with self.subTest(record=record.name, fields=fields), self.assertRaises(Fault):
                    self.rpc(user, "hms.prescription", "read", record.ids, fields=fields)

    def test_public_verification_page_shows_status_and_nothing_clinical(self):
        token = self.own.sudo().verification_token
        page = self.url_open(f"/rx/{token}")
        self.assertEqual(page.status_code, 200)
        for shown in (self.own.name, "Test Doctor A", "Test Clinic A", "Valid"):
            self.assertTrue(shown in page.text, shown)
        for hidden in ("Paracetamol", "Alice", "Confidential working note"):
            self.assertFalse(hidden in page.text, hidden)
        self.dispense(self.own)
        self.assertTrue(">Dispensed<" in self.url_open(f"/rx/{token}").text)
        self.dependant.action_cancel()
        page = self.url_open(f"/rx/{self.dependant.sudo().verification_token}")
        self.assertTrue(">Cancelled<" in page.text)

    def test_unknown_token_is_reported_as_not_ours(self):
        page = self.url_open("/rx/forged-token-that-does-not-exist-anywhere")
        self.assertEqual(page.status_code, 404)
        self.assertTrue("Unknown prescription" in page.text)
        self.assertEqual(self.url_open("/rx/short").status_code, 404)
