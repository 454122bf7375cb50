import base64
import io
import re

from PIL import Image

from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import HmsPatientCase, HmsPatientCommon


@tagged("post_install", "-at_install")
class TestPatientCard(HmsPatientCase):
    def test_card_has_mrn_and_qr(self):
        report = self.env.ref("hms_patient.action_report_patient_card")
        html = report.with_user(self.receptionist)._render_qweb_html(report, self.patient_a.ids)[0]
        html = html.decode()
        self.assertIn(self.patient_a.mrn, html)
        # Odoo's barcode widget draws the MRN's QR code: a square PNG of the size asked for.
        image = re.search(r'<img[^>]* alt="MRN"[^>]* src="data:image/png;base64,([^"]+)"', html)
        self.assertTrue(image, "the card shows the QR code of Odoo's barcode widget")
        png = Image.open(io.BytesIO(base64.b64decode(image[1])))
        self.assertEqual((png.format, png.size), ("PNG", (150, 150)))


@tagged("post_install", "-at_install")
class TestPatientCardPdf(HmsPatientCommon, HttpCase):
    """A real PDF through wkhtmltopdf, which loads the report's assets from the test server."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_hms()

    def test_card_pdf(self):
        self.env["ir.config_parameter"].set_param("report.url", self.base_url())
        report = self.env.ref("hms_patient.action_report_patient_card")
        # Debian's wkhtmltopdf is built on an unpatched Qt: Odoo warns that headers are ignored.
        with mute_logger("odoo.addons.base.models.ir_actions_report"):
            pdf, kind = report.with_context(force_report_rendering=True)._render_qweb_pdf(
                report, self.patient_a.ids
            )
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
