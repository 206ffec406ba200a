"""QR code images for /q/<token>/ links, cached: a wall sheet with 50 codes stays fast."""

import hashlib
import io

import qrcode
import qrcode.image.svg
from django.core.cache import cache

CACHE_SECONDS = 60 * 60 * 24 * 30
FORMATS = {"svg": "image/svg+xml", "png": "image/png"}


def qr_image(url, fmt):
    """(bytes, etag) of the QR code encoding url, as "svg" or "png"."""
    key = f"qr:{fmt}:{hashlib.sha256(url.encode()).hexdigest()}"
    cached = cache.get(key)
    if cached is None:
        data = _render(url, fmt)
        cached = (data, hashlib.sha256(data).hexdigest()[:32])
        cache.set(key, cached, CACHE_SECONDS)
    return cached


def _render(url, fmt):
    # Level M survives a scuffed or partly covered poster; the quiet zone of 4 is the standard.
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4, box_size=10)
    code.add_data(url)
    code.make(fit=True)
    buffer = io.BytesIO()
    if fmt == "svg":
        code.make_image(image_factory=qrcode.image.svg.SvgPathImage).save(buffer)
    else:
        code.make_image(fill_color="black", back_color="white").save(buffer, format="PNG")
    return buffer.getvalue()
