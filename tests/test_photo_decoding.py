"""What a photo may cost the server to decode: the pixel count is refused from the header
before any decoding, JPEGs decode at a fraction of their size, and the formats that decode in
full have a lower ceiling. Uploaded through the real public form."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, JpegImagePlugin, PngImagePlugin

from submissions import photos
from submissions.models import Case, CasePhoto
from tests.factories import StationFactory
from tests.test_submissions import field_error, form_data


@pytest.fixture
def station(db):
    return StationFactory(reference_prefix="YXGY")


def encoded(size, fmt, **options):
    buffer = io.BytesIO()
    Image.new("RGB", size, (240, 240, 240)).save(buffer, fmt, **options)
    return buffer.getvalue()


def post(client, name, data):
    upload = SimpleUploadedFile(name, data, content_type="application/octet-stream")
    return client.post("/submit/", {**form_data(), "photos": [upload]})


@pytest.mark.django_db
def test_a_small_file_of_many_pixels_is_refused_before_it_is_decoded(client, station, monkeypatch):
    """6300 x 6300 white pixels compress to a PNG of about 130 KB: well under the size limit,
    but 119 MB once decoded. The header says so, and nothing is decoded."""
    data = encoded((6300, 6300), "PNG", optimize=True)
    assert len(data) < 200 * 1024
    decoded = []
    monkeypatch.setattr(
        PngImagePlugin.PngImageFile, "load", lambda self: decoded.append(self.size), raising=True
    )
    response = post(client, "screen.png", data)
    assert response.status_code == 200
    assert field_error(response.content.decode(), "photos") == "screen.png 像素太多。"
    assert decoded == [] and not Case.objects.exists()


@pytest.mark.django_db
def test_a_long_phone_screenshot_is_kept(client, station):
    """A WeChat chat scrolled into one screenshot: 1290 x 18,000 pixels, under the ceiling of
    the formats that decode in full."""
    assert 1290 * 18_000 <= photos.MAX_PIXELS
    response = post(client, "chat.png", encoded((1290, 18_000), "PNG"))
    assert response.status_code == 302
    photo = CasePhoto.objects.get()
    assert (photo.width, photo.height) == (183, 2560)


@pytest.mark.django_db
def test_a_large_camera_jpeg_decodes_at_half_size(client, station, monkeypatch):
    """A 48 MP camera photo (8000 x 6000) is decoded at 4000 x 3000, a quarter of the pixels,
    and stored with its longest side at 2560."""
    sizes = []
    load = JpegImagePlugin.JpegImageFile.load

    def spy(self):
        sizes.append(self.size)
        return load(self)

    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "load", spy)
    response = post(client, "DSC_0001.JPG", encoded((8000, 6000), "JPEG", quality=70))
    assert response.status_code == 302
    assert sizes and max(width * height for width, height in sizes) <= 4000 * 3000
    photo = CasePhoto.objects.get()
    assert (photo.width, photo.height) == (2560, 1920)


@pytest.mark.django_db
def test_a_jpeg_over_the_camera_ceiling_is_refused(client, station, monkeypatch):
    monkeypatch.setattr(photos, "MAX_PIXELS_SCALED", 1000 * 1000)
    response = post(client, "huge.jpg", encoded((1001, 1000), "JPEG"))
    assert field_error(response.content.decode(), "photos") == "huge.jpg 像素太多。"
    assert not Case.objects.exists()
