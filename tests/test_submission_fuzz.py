"""Property: whatever is thrown at the public form, it never errors, never half-saves, and
every error it shows is in Chinese."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from submissions.models import Case, CaseEvent, CasePhoto
from tests.factories import StationFactory
from tests.test_submissions import form_data

UNLIMITED = (10**6, 3600)
CJK = re.compile(r"[\u4e00-\u9fff]")
ERRORS = re.compile(r'id="error_\d+_id_\w+"[^>]*>\s*<strong>(.*?)</strong>', re.S)
FIELDS = [
    "title",
    "description",
    "place",
    "enterprise_name",
    "submitter_name",
    "submitter_phone",
    "submitter_email",
    "kind",
    "category",
    "submission_key",
]

texts = st.text(max_size=2100) | st.sampled_from(["", "<script>x</script>", "长" * 70, "\x00"])
files = st.builds(
    lambda name, data: SimpleUploadedFile(name, data, content_type="image/jpeg"),
    st.sampled_from(["a.jpg", "b.png", "c.exe", "长名字.jpeg"]),
    st.binary(max_size=2048),
)


@pytest.mark.django_db
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    overrides=st.dictionaries(st.sampled_from(FIELDS), texts, max_size=4),
    photos=st.lists(files, max_size=4),
)
def test_the_form_never_breaks_and_never_half_saves(client, overrides, photos):
    if Case.objects.count() == 0 and not StationFactory._meta.model.objects.exists():
        StationFactory()
    before = (Case.objects.count(), CaseEvent.objects.count(), CasePhoto.objects.count())
    with override_settings(SUBMISSION_RATE_PER_IP=UNLIMITED, SUBMISSION_RATE_PER_PHONE=UNLIMITED):
        response = client.post("/submit/", {**form_data(**overrides), "photos": photos})
    # Either outcome is right for some input: 302 when the form saved a case and moves on to the
    # confirmation, 200 when it refused and shows the form again. Each is checked below.
    assert response.status_code in (200, 302)
    after = (Case.objects.count(), CaseEvent.objects.count(), CasePhoto.objects.count())
    if response.status_code == 302:
        case = Case.objects.order_by("-pk").first()
        assert after[0] in (before[0], before[0] + 1)  # a repeated key returns the same case
        assert case.events.exists()
    else:
        assert after == before
        errors = ERRORS.findall(response.content.decode())
        assert errors, "a refused form must say why"
        assert all(CJK.search(error) for error in errors), errors
