"""The client address behind proxies (portal.ratelimit.client_ip): the entry the trusted proxy
added, counted from the right; whatever a client writes into X-Forwarded-For itself can neither
pick its address nor slip past the throttles."""

import ipaddress

import pytest
from django.test import RequestFactory, override_settings
from hypothesis import given
from hypothesis import strategies as st

from portal import ratelimit
from tests.factories import StationFactory
from tests.test_submissions import form_data

PROXY = "10.0.0.2"
addresses = st.ip_addresses().map(str)
forged = st.lists(addresses | st.text(max_size=20).filter(lambda t: "," not in t), max_size=5)


def address_of(header, proxies):
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=header)
    with override_settings(TRUSTED_PROXIES=proxies):
        return ratelimit.client_ip(request)


@given(client=addresses, prefix=forged)
def test_behind_one_proxy_the_client_is_what_the_proxy_appended(client, prefix):
    header = ", ".join([*prefix, client])  # nginx appends the address it was reached from
    assert address_of(header, 1) == str(ipaddress.ip_address(client))


@given(client=addresses, inner=addresses, prefix=forged)
def test_behind_two_proxies_the_outer_ones_entry_counts(client, inner, prefix):
    header = ", ".join([*prefix, client, inner])
    assert address_of(header, 2) == str(ipaddress.ip_address(client))


@given(header=st.text(max_size=60))
def test_without_a_trusted_proxy_the_header_is_ignored(header):
    assert address_of(header, 0) == PROXY


@pytest.mark.django_db
def test_a_forged_first_entry_does_not_escape_the_per_address_limit(client, settings):
    """Today's attack: a new made-up first entry on every post. The proxy appends the real
    address, and that is the one counted."""
    StationFactory()
    settings.TRUSTED_PROXIES = 1
    settings.SUBMISSION_RATE_PER_IP = (3, 3600)
    from submissions.models import Case

    statuses = []
    for n in range(5):
        header = f"203.0.113.{n}, 198.51.100.7"  # forged, then what the proxy saw
        response = client.post(
            "/submit/",
            form_data(submitter_phone=f"1380796120{n}", submission_key=f"{n:032x}"),
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=header,
        )
        statuses.append(response.status_code)
    # Refused in words on the form, as any refusal of the form is, and nothing saved.
    assert statuses == [302, 302, 302, 200, 200], statuses
    assert Case.objects.count() == 3
    assert "该网络提交次数过多" in response.content.decode()
