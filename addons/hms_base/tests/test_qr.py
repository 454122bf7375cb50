import base64
import io

from PIL import Image

from odoo.tests import TransactionCase, tagged

from odoo.addons.hms_base.tools.qr import qr_png


@tagged("post_install", "-at_install")
class TestQr(TransactionCase):
    def test_png(self):
        image = Image.open(io.BytesIO(qr_png("P00001")))
        self.assertEqual(image.format, "PNG")
        self.assertEqual(image.size[0], image.size[1])
        # More data needs a larger code.
        self.assertGreater(Image.open(io.BytesIO(qr_png("x" * 200))).size[0], image.size[0])

    def test_reports_get_the_helper(self):
        report = self.env["ir.actions.report"].search([("report_type", "=", "qweb-pdf")], limit=1)
        self.assertTrue(report, "Odoo ships at least one PDF report")
        values = self.env["ir.actions.report"]._get_rendering_context(report, [], {})
        uri = values["hms_qr"]("https://clinic.example.com/verify/RX0001")
        self.assertTrue(uri.startswith("data:image/png;base64,"))
        png = base64.b64decode(uri.split(",", 1)[1])
        self.assertEqual(Image.open(io.BytesIO(png)).format, "PNG")
