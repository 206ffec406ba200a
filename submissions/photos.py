"""Uploaded photos: checked by content, size-limited, re-encoded so no metadata survives: no
EXIF (GPS!), XMP, ICC profile, PNG text, JPEG COM segment or GIF comment."""

import io

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_PHOTOS = 3
MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000  # beyond this, decoding alone could exhaust memory
MAX_SIDE = 2560  # stored size: plenty to read a document, small enough to send around
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "MPO"}


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
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError(
                    _("%(name)s has too many pixels."), code="too_big", params={"name": upload.name}
                )
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as image:
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
            _("%(name)s is not a photo we can read (JPEG, PNG, WebP or GIF)."),
            code="not_image",
            params={"name": upload.name},
        ) from error
    return ContentFile(buffer.getvalue(), name="photo.jpg"), image.size
