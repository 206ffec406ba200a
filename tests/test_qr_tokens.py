"""/q/<token>/ and its QR images answer 404, never 500, for tokens that cannot exist."""

from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deputies.models import QR_TOKEN_PATTERN

# Anything a token cannot be: at least one character outside token_urlsafe's alphabet (NUL,
# control characters, CJK, punctuation), or too long. "/" would change the route itself.
bad_tokens = st.one_of(
    st.text(min_size=1, max_size=40).filter(
        lambda t: "/" not in t and not QR_TOKEN_PATTERN.fullmatch(t)
    ),
    st.from_regex(r"[A-Za-z0-9_-]{33,60}", fullmatch=True),
    st.sampled_from(["\x00", "abc\x00def", "%00", "\x00" * 12, "ＡＢＣ", "';--", "..", " "]),
)


@pytest.mark.django_db
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(token=bad_tokens)
def test_impossible_tokens_are_not_found(client, token):
    path = quote(token, safe="")
    for url in (f"/q/{path}/", f"/q/{path}/qr.png", f"/q/{path}/qr.svg"):
        response = client.get(url)
        assert response.status_code == 404, (url, response.status_code)


@pytest.mark.django_db
def test_the_nul_token_gets_the_friendly_unknown_code_page(client):
    response = client.get("/q/%00/")
    assert response.status_code == 404
    assert "二维码" in response.content.decode()
