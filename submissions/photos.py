"""Uploaded photos: checked by content, size-limited, re-encoded so no metadata survives: no
EXIF (GPS!), XMP, ICC profile, PNG text, JPEG COM segment or GIF comment.

Decoding is what a photo costs the server, so it is bounded before it starts: the pixel count
is read from the header, JPEGs decode straight at a half, quarter or eighth of their size (a
camera's 50 MP photo costs what a 12 MP one does), and the formats that must decode in full
have a lower ceiling (three 40 MP PNGs of 131 KB each once held a worker for 7.5 s)."""

import io

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError
from pillow_heif import register_heif_opener

register_heif_opener()  # iPhones save photos as HEIC

MAX_PHOTOS = 3
MAX_BYTES = 10 * 1024 * 1024
MAX_SIDE = 2560  # stored size: plenty to read a document, small enough to send around
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "MPO", "HEIF"}
# Formats Pillow can decode at a fraction of their size (Image.draft).
SCALED_DECODE = {"JPEG", "MPO"}
MAX_PIXELS_SCALED = 50_000_000  # a 50 MP phone camera; decoded at most at half size
MAX_PIXELS = 24_000_000  # decoded in full: a phone's long screenshot (1290 x 18,000) fits


def pixel_limit(format_name):
    return MAX_PIXELS_SCALED if format_name in SCALED_DECODE else MAX_PIXELS


def clean_photo(upload):
    """A ContentFile of a clean JPEG, or ValidationError with a message for the user."""
    if upload.size > MAX_BYTES:
        raise ValidationError(
            _("%(name)s is larger than %(size)d MB."),
            code="too_large",
            params={"name": upload.name, "size": MAX_BYTES // 1024 // 1024},
        )
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            if probe.format not in ACCEPTED_FORMATS:
                raise UnidentifiedImageError
            if probe.width * probe.height > pixel_limit(probe.format):
                raise ValidationError(
                    _("%(name)s has too many pixels."), code="too_big", params={"name": upload.name}
                )
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            image.draft("RGB", (MAX_SIDE, MAX_SIDE))  # JPEG: decode at the smallest scale enough
            image = ImageOps.exif_transpose(image)  # keep what the camera meant by "up"
            image = image.convert("RGB")
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            # Pillow carries the source's info (a JPEG COM segment, a GIF comment, ...) through
            # convert() and writes info["comment"] back as a COM segment: start from nothing.
            image.info = {}
            buffer = io.BytesIO()
            image.save(buffer, "JPEG", quality=85)  # no exif=, icc_profile=, xmp=, comment=
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as error:
        raise ValidationError(
            _("%(name)s is not a photo we can read (JPEG, HEIC, PNG, WebP or GIF)."),
            code="not_image",
            params={"name": upload.name},
        ) from error
    return ContentFile(buffer.getvalue(), name="photo.jpg"), image.size
