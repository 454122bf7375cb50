from odoo.tests import tagged

from .common import HmsPatientCase


@tagged("post_install", "-at_install")
class TestPatientCard(HmsPatientCase):
    def test_card_has_mrn_and_qr(self):
        report = self.env.ref("hms_patient.action_report_patient_card")
        html = report.with_user(self.receptionist)._render_qweb_html(report, self.patient_a.ids)[0]
        html = html.decode()
        self.assertIn(self.patient_a.mrn, html)
        self.assertIn('src="data:image/png;base64,', html)

    def test_card_pdf(self):
        report = self.env.ref("hms_patient.action_report_patient_card")
        pdf, kind = report.with_context(force_report_rendering=True)._render_qweb_pdf(
            report, self.patient_a.ids
        )
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
