"""QR codes for survey links, as a PNG big enough to print or as scalable SVG."""

from __future__ import annotations

import io
import math

import qrcode
import qrcode.constants
from qrcode.image.svg import SvgPathFillImage

QUIET_ZONE = 4  # modules of white around the code, the minimum the QR standard asks for
PNG_MIN_PIXELS = 1000  # about 8.5 cm wide at 300 dpi
SVG_MIN_TENTHS_MM = 800  # the SVG's nominal width, about 8 cm


def qr_code(data: str) -> qrcode.QRCode:
    """The smallest QR code holding ``data`` with medium (15%) error correction."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=QUIET_ZONE)
    code.add_data(data)
    code.make(fit=True)
    return code


def _box_size(code: qrcode.QRCode, minimum: int) -> int:
    """Units per module so that the whole image, quiet zone included, is at least ``minimum`` wide."""
    return math.ceil(minimum / (code.modules_count + 2 * QUIET_ZONE))


def qr_png(data: str) -> bytes:
    """A black-on-white PNG of the QR code for ``data``."""
    code = qr_code(data)
    code.box_size = _box_size(code, PNG_MIN_PIXELS)
    buffer = io.BytesIO()
    code.make_image().save(buffer, format="PNG", dpi=(300, 300))
    return buffer.getvalue()


def qr_svg(data: str, *, declaration: bool = True) -> str:
    """An SVG of the QR code for ``data`` (one path on white); without the XML declaration to inline it."""
    code = qr_code(data)
    code.box_size = _box_size(code, SVG_MIN_TENTHS_MM)
    image = code.make_image(image_factory=SvgPathFillImage)
    svg = image.to_string(encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + svg if declaration else svg
