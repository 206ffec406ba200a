"""The public submission form, confirmation, offline entry and private photos."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

from submissions.models import Case, CaseEvent, CasePhoto, Category
from tests.factories import DeputyFactory, StationFactory

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def station(db):
    return StationFactory(reference_prefix="YXGY")


def form_data(**overrides):
    data = {
        "kind": "problem",
        "category": Category.objects.get(name="用工招聘").pk,
        "title": "园区企业招工难",
        "description": "普工缺口约50人，希望组织招聘会。",
        "place": "园区大道88号",
        "enterprise_name": "云溪恒通电子科技有限公司",
        "submitter_name": "王小明",
        "submitter_phone": "13807961234",
        "submitter_email": "wxm@example.com",
        "consent": "on",
        "allow_disclosure": "on",
        "website": "",
        "submission_key": "0123456789abcdef0123456789abcdef",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def jpeg_with_exif(name="photo.jpg", size=(800, 600)):
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "SpyCam"
    exif[ExifTags.Base.GPSInfo] = {1: "N", 2: (28.0, 30.0, 0.0), 3: "E", 4: (114.0, 47.0, 0.0)}
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def field_error(html, field):
    """The error text shown next to one field, as crispy renders it."""
    match = re.search(rf'id="error_\d+_id_{field}"[^>]*>\s*<strong>(.*?)</strong>', html, re.S)
    return match.group(1) if match else None


@pytest.mark.django_db
class TestSubmitting:
    def test_a_valid_submission_becomes_a_numbered_case_with_a_first_event(self, client, station):
        response = client.post("/submit/", form_data())
        case = Case.objects.get()
        assert response.status_code == 302
        assert response["Location"] == f"/submit/done/{case.reference}/"
        assert re.fullmatch(r"YXGY-\d{4}-0001", case.reference)
        assert re.fullmatch(r"[2-9A-HJKMNP-Z]{8}", case.tracking_code)
        assert case.status == Case.Status.SUBMITTED
        assert case.channel == Case.Channel.ONLINE and case.consent_given
        assert case.deputy is None and case.station == station
        assert list(case.events.values_list("action", "is_public")) == [("submitted", True)]

        done = client.get(response["Location"]).content.decode()
        assert case.reference in done and case.formatted_tracking_code in done
        # The "follow this case" link is signed and holds no code; it opens the case.
        link = re.search(r'href="(/track/[^"?]+)"', done)[1]
        assert case.tracking_code not in link
        assert client.get(link).context["case"] == case

    def test_qr_link_addresses_the_case_to_the_deputy(self, client, station):
        deputy = DeputyFactory(station=station, name="林建华")
        page = client.get(deputy.qr_path).content.decode()
        assert "林建华" in page and 'name="title"' in page
        client.post(deputy.qr_path, form_data())
        assert Case.objects.get().deputy == deputy

    def test_inactive_deputys_link_offers_the_station_form(self, client, station):
        deputy = DeputyFactory(station=station, is_active=False)
        page = client.get(deputy.qr_path).content.decode()
        assert 'href="/submit/"' in page and 'name="title"' not in page

    def test_double_submission_creates_one_case(self, client, station):
        first = client.post("/submit/", form_data())
        second = client.post("/submit/", form_data())
        assert Case.objects.count() == 1
        assert first["Location"] == second["Location"]

    def test_confirmation_is_only_shown_to_the_browser_that_submitted(self, client, station):
        location = client.post("/submit/", form_data())["Location"]
        from django.test import Client

        assert Client().get(location).status_code == 404

    def test_numbers_continue_per_year_without_gaps(self, client, station):
        for n in range(3):
            client.post("/submit/", form_data(submission_key=f"{n:032x}"))
        sequences = sorted(Case.objects.values_list("sequence", flat=True))
        assert sequences == [1, 2, 3]

    def test_text_is_stored_as_typed_and_escaped_when_shown(self, client, station, admin_user):
        client.post("/submit/", form_data(title="价格<50元 & 质量>标准"))
        case = Case.objects.get()
        assert case.title == "价格<50元 & 质量>标准"
        client.force_login(admin_user)
        html = client.get(f"/admin/cases/{case.pk}/").content.decode()
        assert "价格&lt;50元 &amp; 质量&gt;标准" in html


@pytest.mark.django_db
class TestBadInput:
    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("title", "长" * 61),
            ("description", "长" * 2001),
            ("title", "招工\x00难"),
            ("description", "<script>alert(1)</script>"),
            ("submitter_phone", "1380796123"),
            ("submitter_phone", "010-62345678"),
            ("submitter_email", "not-an-email"),
            ("submitter_name", ""),
            ("category", "999999"),
            ("consent", None),
        ],
    )
    def test_bad_field_gets_a_chinese_message_keeps_the_rest_and_saves_nothing(
        self, client, station, field, value
    ):
        response = client.post("/submit/", form_data(**{field: value}))
        assert response.status_code == 200
        html = response.content.decode()
        message = field_error(html, field)
        assert message and CJK.search(message), message
        assert Case.objects.count() == 0
        if field != "description":
            assert "普工缺口约50人，希望组织招聘会。" in html  # what was typed is still there
        if field != "submitter_name":
            assert 'value="王小明"' in html

    def test_renamed_non_image_is_refused_next_to_the_photo_field(self, client, station):
        fake = SimpleUploadedFile("photo.jpg", b"%PDF-1.4 not an image", content_type="image/jpeg")
        html = client.post("/submit/", {**form_data(), "photos": [fake]}).content.decode()
        assert "photo.jpg" in field_error(html, "photos")
        assert 'name="remove_kept"' not in html  # nothing unreadable is kept for the next try
        assert Case.objects.count() == 0 and CasePhoto.objects.count() == 0

    def test_more_than_three_photos_are_refused(self, client, station):
        photos = [jpeg_with_exif(f"p{i}.jpg") for i in range(4)]
        html = client.post("/submit/", {**form_data(), "photos": photos}).content.decode()
        assert field_error(html, "photos") == "最多上传3张照片。"
        assert Case.objects.count() == 0

    def test_the_photo_count_limit_is_stated_as_it_is_enforced(self, client, station, monkeypatch):
        monkeypatch.setattr("submissions.photos.MAX_PHOTOS", 1)
        photos = [jpeg_with_exif(f"p{i}.jpg") for i in range(2)]
        html = client.post("/submit/", {**form_data(), "photos": photos}).content.decode()
        assert field_error(html, "photos") == "最多上传1张照片。"
        assert "照片（选填，最多1张）" in html  # the label above the field
        assert Case.objects.count() == 0

    def test_honeypot_saves_nothing(self, client, station):
        response = client.post("/submit/", form_data(website="http://spam.example"))
        assert response.status_code == 200
        assert Case.objects.count() == 0


@pytest.mark.django_db
class TestPhotos:
    def test_exif_and_gps_are_gone_from_stored_photos(self, client, station):
        client.post("/submit/", {**form_data(), "photos": [jpeg_with_exif()]})
        photo = CasePhoto.objects.get()
        data = photo.file.open("rb").read()
        assert b"SpyCam" not in data
        stored = Image.open(io.BytesIO(data))
        assert stored.format == "JPEG" and not stored.getexif()
        assert (photo.width, photo.height) == (800, 600)

    def test_photo_is_stored_outside_media_and_only_staff_may_see_it(
        self, client, station, settings, admin_user
    ):
        client.post("/submit/", {**form_data(), "photos": [jpeg_with_exif()]})
        photo = CasePhoto.objects.get()
        assert not photo.file.path.startswith(str(settings.MEDIA_ROOT))
        url = f"/admin/cases/photos/{photo.pk}/"
        from django.test import Client

        anonymous = Client().get(url)
        assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]
        nobody = get_user_model().objects.create_user("nobody", password="pw")
        outsider = Client()
        outsider.force_login(nobody)
        refused = outsider.get(url)
        # A login without admin access is sent to the admin login, as an anonymous visitor is.
        assert (refused.status_code, refused["Location"]) == (302, f"/admin/login/?next={url}")
        staff = Client()
        staff.force_login(admin_user)
        response = staff.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"


@pytest.mark.django_db
class TestRateLimits:
    def test_per_ip_limit(self, client, station, settings):
        settings.SUBMISSION_RATE_PER_IP = (2, 3600)
        for n in range(3):
            response = client.post(
                "/submit/", form_data(submission_key=f"{n:032x}", submitter_phone=f"1380796{n:04d}")
            )
        assert Case.objects.count() == 2
        assert "提交次数过多" in response.content.decode()

    def test_per_phone_limit_across_networks(self, client, station, settings):
        settings.SUBMISSION_RATE_PER_PHONE = (1, 86400)
        client.post("/submit/", form_data(submission_key="a" * 32), REMOTE_ADDR="10.0.0.1")
        response = client.post(
            "/submit/", form_data(submission_key="b" * 32), REMOTE_ADDR="10.0.0.2"
        )
        assert Case.objects.count() == 1
        assert "该手机号" in response.content.decode()


@pytest.mark.django_db
class TestOfflineEntry:
    def test_staff_record_a_reception_item_and_print_a_receipt(self, client, station, admin_user):
        client.force_login(admin_user)
        data = form_data(
            channel="reception",
            received_on="2026-11-25",
            received_by="李静",
            consent_in_person="on",
        )
        for key in ("consent", "website", "submission_key"):
            data.pop(key)
        response = client.post("/admin/cases/record/", data)
        case = Case.objects.get()
        assert response["Location"] == f"/admin/cases/{case.pk}/"
        assert case.channel == "reception" and case.recorded_by == admin_user
        assert case.consent_in_person and case.consent_given
        assert case.events.get().action == CaseEvent.Action.RECORDED
        receipt = client.get(f"/admin/cases/{case.pk}/receipt/").content.decode()
        assert case.reference in receipt and case.formatted_tracking_code in receipt

    def test_offline_item_without_in_person_consent_is_refused(self, client, station, admin_user):
        client.force_login(admin_user)
        data = form_data(channel="reception", received_on="2026-11-25", received_by="李静")
        response = client.post("/admin/cases/record/", data)
        assert response.status_code == 200 and Case.objects.count() == 0


@pytest.mark.django_db
def test_a_post_without_the_csrf_token_is_refused(station):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/submit/", form_data())
    assert response.status_code == 403
    assert Case.objects.count() == 0
    # The station's own page in plain Chinese, styled by the site's files (not Django's page,
    # whose inline styles the Content-Security-Policy refuses).
    page = response.content.decode()
    assert "页面已过期" in page and "请返回上一页，刷新后重新提交" in page
    assert "<style" not in page and "/static/css/site.css" in page


@pytest.mark.django_db
def test_a_photo_over_the_size_limit_is_refused(client, station, monkeypatch):
    monkeypatch.setattr("submissions.photos.MAX_BYTES", 1024 * 1024)
    # Only the size is looked at before the content: the bytes need not be a real photo.
    big = SimpleUploadedFile("photo.jpg", b"\xff" * (1024 * 1024 + 1), content_type="image/jpeg")
    html = client.post("/submit/", {**form_data(), "photos": [big]}).content.decode()
    assert field_error(html, "photos") == "photo.jpg 超过1 MB。"
    assert "每张不超过1 MB" in html  # the help text under the field names the same limit
    assert Case.objects.count() == 0


def test_rate_limit_counts_are_shared_through_redis():
    """Two cache clients stand in for two web processes sharing one Redis."""
    import redis
    from django.core.cache.backends.redis import RedisCache

    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    from portal import ratelimit

    first, second = (RedisCache("redis://127.0.0.1:6379/15", {}) for _ in range(2))
    first.clear()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ratelimit, "cache", first)
        assert ratelimit.hit("shared", 2, 60) and ratelimit.hit("shared", 2, 60)
        patch.setattr(ratelimit, "cache", second)
        assert not ratelimit.hit("shared", 2, 60)
    first.clear()
