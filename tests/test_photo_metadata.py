"""Stored photos carry no metadata from the upload: no JPEG COM segment, no GIF comment, and
still no EXIF, XMP, ICC profile or PNG text. Uploaded through the real public form."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, PngImagePlugin

from submissions.models import CasePhoto
from tests.factories import StationFactory
from tests.test_submissions import form_data

MARKER = b"SECRET-MARKER-42"


@pytest.fixture
def station(db):
    return StationFactory(reference_prefix="YXGY")


def jpeg_with_comment():
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (200, 30, 30)).save(buffer, "JPEG", comment=MARKER)
    return buffer.getvalue()


def gif_with_comment():
    buffer = io.BytesIO()
    Image.new("P", (320, 240), 3).save(buffer, "GIF", comment=MARKER)
    return buffer.getvalue()


def jpeg_with_everything():
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = MARKER.decode()  # Make
    Image.new("RGB", (320, 240), (20, 130, 30)).save(
        buffer,
        "JPEG",
        comment=MARKER,
        exif=exif,
        xmp=b"<x:xmpmeta>" + MARKER + b"</x:xmpmeta>",
        icc_profile=b"\0" * 16 + MARKER,
    )
    return buffer.getvalue()


def png_with_text():
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", MARKER.decode())
    info.add_itxt("Description", MARKER.decode())
    buffer = io.BytesIO()
    Image.new("RGBA", (320, 240), (0, 0, 255, 128)).save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue()


def heic_with_exif():
    """An iPhone's photo: HEIC, with EXIF (Pillow reads and writes it through pillow-heif)."""
    exif = Image.Exif()
    exif[0x010F] = MARKER.decode()
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (90, 60, 30)).save(buffer, "HEIF", exif=exif, quality=90)
    return buffer.getvalue()


def webp_with_metadata():
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = MARKER.decode()
    Image.new("RGB", (320, 240), (9, 9, 9)).save(
        buffer, "WEBP", exif=exif, xmp=b"<x:xmpmeta>" + MARKER + b"</x:xmpmeta>"
    )
    return buffer.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("comment.jpg", jpeg_with_comment),
        ("comment.gif", gif_with_comment),
        ("everything.jpg", jpeg_with_everything),
        ("text.png", png_with_text),
        ("meta.webp", webp_with_metadata),
        ("IMG_0001.HEIC", heic_with_exif),
    ],
)
def test_no_metadata_from_the_upload_survives_in_the_stored_photo(client, station, name, make):
    data = make()
    assert MARKER in data  # the upload really carries it
    upload = SimpleUploadedFile(name, data, content_type="application/octet-stream")
    response = client.post("/submit/", {**form_data(), "photos": [upload]})
    assert response.status_code == 302
    photo = CasePhoto.objects.get()
    stored = photo.file.open("rb").read()
    assert MARKER not in stored
    image = Image.open(io.BytesIO(stored))
    assert image.format == "JPEG"
    assert "comment" not in image.info
    assert not {"exif", "xmp", "icc_profile"} & image.info.keys()
    assert [marker for marker, _ in image.applist if marker == "COM"] == []
    assert [marker for marker, _ in image.applist if marker.startswith("APP")] == ["APP0"]  # JFIF
    assert (photo.width, photo.height) == (320, 240)
