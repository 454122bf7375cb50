"""QR codes for QWeb reports (``hms_qr(value)`` in every report's rendering context)."""

import base64
import io

import qrcode
from qrcode.image.pil import PilImage


def qr_png(value, box_size=4, border=2):
    """Return the PNG bytes of a QR code holding ``value``."""
    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=box_size, border=border
    )
    code.add_data(value or "")
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image(image_factory=PilImage).save(buffer, format="PNG")
    return buffer.getvalue()


def qr_data_uri(value, box_size=4, border=2):
    """Return a ``data:`` URI of a QR code, ready for ``<img t-att-src=...>``."""
    png = base64.b64encode(qr_png(value, box_size=box_size, border=border)).decode()
    return f"data:image/png;base64,{png}"
