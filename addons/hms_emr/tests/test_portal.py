from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from odoo.addons.hms_base.tests.common import hms_password

from .common import HmsEmrCommon


@tagged("post_install", "-at_install", "hms_access")
class TestPortalVisits(HmsEmrCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_hms()
        cls.own_patient = cls.env["hms.patient"].create(
            {"partner_id": cls.portal_user.partner_id.id, "company_id": cls.clinic_a.id}
        )

    def visit(self, patient, release=True):
        encounter = self.env["hms.encounter"].create(
            {
                "patient_id": patient.id,
                "practitioner_id": self.practitioner_a.id,
                "chief_complaint": "Rash",
            }
        )
        encounter.action_close()
        if release:
            encounter.action_release_summary()
        return encounter

    def test_released_summaries_listed_and_downloaded(self):
        released = self.visit(self.own_patient)
        unreleased = self.visit(self.own_patient, release=False)
        self.authenticate(self.portal_user.login, hms_password(self.portal_user))
        page = self.url_open("/my/visits")
        self.assertEqual(page.status_code, 200)
        self.assertIn(released.name, page.text)
        self.assertNotIn(unreleased.name, page.text)
        home = self.url_open("/my/home")
        self.assertIn("Visit Summaries", home.text)
        pdf = self.url_open(f"/my/visits/{released.id}?download=true")
        self.assertEqual(pdf.status_code, 200)
        self.assertIn("Visit_Summary", pdf.headers.get("Content-Disposition", ""))

    def test_forged_ids_refused(self):
        unreleased = self.visit(self.own_patient, release=False)
        others = self.visit(self.patient_a)
        self.authenticate(self.portal_user.login, hms_password(self.portal_user))
        with mute_logger("odoo.addons.base.models.ir_rule", "odoo.http"):
            for encounter in (unreleased, others):
                with self.subTest(encounter=encounter.name):
                    response = self.url_open(f"/my/visits/{encounter.id}", allow_redirects=False)
                    self.assertEqual(response.status_code, 303)
                    self.assertTrue(response.headers["Location"].endswith("/my"))
            response = self.url_open("/my/visits/999999", allow_redirects=False)
            self.assertEqual(response.status_code, 303)
        self.assertNotIn(others.name, self.url_open("/my/visits").text)

    def test_staff_without_clinical_rights_refused(self):
        released = self.visit(self.own_patient)
        self.authenticate(self.receptionist.login, hms_password(self.receptionist))
        with mute_logger("odoo.addons.base.models.ir_model", "odoo.http"):
            response = self.url_open(f"/my/visits/{released.id}", allow_redirects=False)
            self.assertEqual(response.status_code, 303)
            report = self.url_open(f"/report/pdf/hms_emr.report_visit_summary/{released.id}")
            self.assertNotEqual(report.status_code, 200)
