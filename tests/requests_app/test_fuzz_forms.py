"""Whatever reaches the public forms, the portal answers below 500 and writes nothing by half.

Generated posts to the intake form, generated tokens to the private pages and generated
messages on a real status link, through the test client. After each example the whole
database is checked: every request has everything filing writes with it, every message its
event, no row points at nothing, and no stored text breaks the forms' rules.
"""

from __future__ import annotations

import operator
import secrets
import string
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote, quote_from_bytes, urlencode

import pytest
from django.db import transaction
from django.test import override_settings
from django_countries import countries
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from requests_app.models import (
    AccessLink,
    Message,
    OutboxEmail,
    PrivacyRequest,
    RequestEvent,
    RequestType,
    Wait,
    WaitReason,
)
from requests_app.validators import clean_text, validate_email_address
from tests.helpers import file_request, last_email, link_in

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

# The same examples on every run (CI); no deadline, as the database takes its time. The
# fixtures are made once for all examples, each of which rolls its own writes back.
FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

MISSING = object()

# Any code point but surrogates (which no UTF-8 request carries): controls, format characters,
# combining marks, private use and unassigned ones included.
ANY_TEXT = st.text(max_size=60)
LONG_TEXT = st.builds(
    operator.mul,
    st.sampled_from(["x", "é", "字", " ", "\u200b", "\x00", "\n"]),
    st.integers(150, 6000),
)
WRONG_TYPES = st.one_of(st.integers(), st.floats(), st.booleans())
JUNK = st.one_of(ANY_TEXT, LONG_TEXT, WRONG_TYPES, st.lists(ANY_TEXT, max_size=3))

NAMES = ["Erika Mustermann", "José Ruiz", "علی\u200cرضا", "李小龍", "Zoë O'Brien-Smith"]
ADDRESSES = ["erika@example.de", "josé@example.com", "用户@例子.广告", "info@bücher.de"]
DETAILS = ["Please send me a copy of my data.", "Löschen Sie bitte:\n\t- mein Konto\r\n- alles"]
COUNTRIES = [code for code, _name in countries]
TOKEN_ALPHABET = string.ascii_letters + string.digits + "-_"

# What a person filling the form might post; each field then may be broken or left out.
PLAUSIBLE = {
    "request_type": st.sampled_from(RequestType.values),
    "full_name": st.one_of(st.sampled_from(NAMES), st.text(min_size=1, max_size=200)),
    "email": st.one_of(st.sampled_from(ADDRESSES), st.emails()),
    "country": st.one_of(st.sampled_from(COUNTRIES), st.from_regex(r"[A-Z]{2}", fullmatch=True)),
    "details": st.one_of(st.sampled_from(DETAILS), st.text(min_size=1, max_size=5000)),
    "consent": st.sampled_from(["on", "true", "1"]),
    "form_token": st.one_of(
        st.just(""), st.text(TOKEN_ALPHABET, min_size=22, max_size=22), ANY_TEXT
    ),
}
PLAUSIBLE_FILING = st.fixed_dictionaries(PLAUSIBLE)
# Nothing broken in about half of the examples, so that many of them file a request.
BREAKAGE = st.just({}) | st.dictionaries(
    st.sampled_from(sorted(PLAUSIBLE)), st.one_of(JUNK, st.just(MISSING)), min_size=1, max_size=7
)
EXTRA_FIELDS = st.dictionaries(st.text(min_size=1, max_size=12), JUNK, max_size=3)
RAW_CONTENT_TYPES = [
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=xyz",
    "multipart/form-data",
    "application/json",
    "text/plain; charset=latin-1",
]


def unique_ip() -> str:
    """An address of its own, so that counts left in a shared cache by other runs don't matter."""
    return f"2001:db8::{secrets.token_hex(2)}:{secrets.token_hex(2)}"


FUZZ_IP = unique_ip()


@contextmanager
def own_database() -> Iterator[None]:
    """Each example starts from the same rows, so that a failure is that example's own."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def post_form(client, path: str, data: dict, encoding: str, raw: bytes, raw_type: str, **extra):
    """The fields as a browser posts them (multipart or urlencoded), or a body of any bytes."""
    if encoding == "multipart":
        return client.post(path, data, **extra)
    if encoding == "urlencoded":
        body = urlencode(data, doseq=True)
        return client.post(path, body, content_type="application/x-www-form-urlencoded", **extra)
    return client.generic("POST", path, raw, content_type=raw_type, **extra)


def assert_nothing_half_written() -> None:
    """What the use cases write together is there together; nothing points at nothing."""
    requests = {
        pk: (reference, confirmed is not None)
        for pk, reference, confirmed in PrivacyRequest.objects.values_list(
            "pk", "reference", "email_confirmed_at"
        )
    }
    ids = set(requests)
    assert not [ref for ref, _confirmed in requests.values() if not ref.startswith("DSR-")]

    def per_request(queryset) -> Counter:
        return Counter(queryset.values_list("request_id", flat=True))

    filed = per_request(RequestEvent.objects.filter(kind=RequestEvent.Kind.FILED))
    assert filed == Counter(ids)
    email_waits = per_request(Wait.objects.filter(reason=WaitReason.EMAIL))
    assert email_waits == Counter(ids)
    open_waits = set(per_request(Wait.objects.filter(reason=WaitReason.EMAIL, ended_at=None)))
    assert open_waits == {pk for pk, (_ref, confirmed) in requests.items() if not confirmed}
    verify_links = per_request(AccessLink.objects.filter(purpose=AccessLink.Purpose.VERIFY))
    assert set(verify_links) == ids
    confirmations = per_request(OutboxEmail.objects.filter(kind="confirm_address"))
    assert set(confirmations) == ids

    confirmed = {pk for pk, (_ref, is_confirmed) in requests.items() if is_confirmed}
    confirmed_events = RequestEvent.objects.filter(kind=RequestEvent.Kind.EMAIL_CONFIRMED)
    assert per_request(confirmed_events) == Counter(confirmed)
    status_links = AccessLink.objects.filter(purpose=AccessLink.Purpose.STATUS)
    assert set(per_request(status_links)) == confirmed
    assert set(per_request(OutboxEmail.objects.filter(kind="acknowledgement"))) == confirmed

    for model in [RequestEvent, Wait, AccessLink, Message]:
        assert set(per_request(model.objects.all())) <= ids, f"orphan {model.__name__}"
    assert set(per_request(OutboxEmail.objects.exclude(request=None))) <= ids

    messages = dict(Message.objects.values_list("pk", "request_id"))
    message_events = [
        (data["message"], request_id)
        for data, request_id in RequestEvent.objects.filter(
            kind__in=[RequestEvent.Kind.MESSAGE_FROM_REQUESTER, RequestEvent.Kind.MESSAGE_FROM_TEAM]
        ).values_list("data", "request_id")
    ]
    assert sorted(message_events) == sorted(messages.items())


def assert_stored_text_keeps_the_rules() -> None:
    for name, details, email in PrivacyRequest.objects.values_list("full_name", "details", "email"):
        assert clean_text(name, "no name") == name
        assert clean_text(details, "no details", multiline=True) == details
        with override_settings(EMAIL_SMTPUTF8=True):
            validate_email_address(email)
    for body in Message.objects.values_list("body", flat=True):
        assert clean_text(body, "no body", multiline=True) == body


@FUZZ
@given(
    filing=PLAUSIBLE_FILING,
    breakage=BREAKAGE,
    extra_fields=EXTRA_FIELDS,
    encoding=st.sampled_from(["multipart", "urlencoded", "raw"]),
    raw=st.binary(max_size=2000),
    raw_type=st.sampled_from(RAW_CONTENT_TYPES),
    smtputf8=st.booleans(),
)
def test_no_intake_post_errs_or_files_half_a_request(
    client, filing, breakage, extra_fields, encoding, raw, raw_type, smtputf8
):
    data = {**extra_fields, **filing}
    for name, value in breakage.items():
        if value is MISSING:
            data.pop(name)
        else:
            data[name] = value

    with own_database(), override_settings(EMAIL_SMTPUTF8=smtputf8):
        response = post_form(
            client, "/requests/new/", data, encoding, raw, raw_type, REMOTE_ADDR=FUZZ_IP
        )
        event(f"{response.status_code} with {PrivacyRequest.objects.count()} request(s)")

        assert response.status_code < 500
        assert_nothing_half_written()
        assert_stored_text_keeps_the_rules()


@pytest.fixture
def real_tokens(client) -> dict[str, str]:
    """A confirmed request's status token and spent confirmation token, and another
    request's confirmation token, not used yet."""
    confirmed = file_request(details="A request whose address is confirmed.")
    spent = link_in(last_email("confirm_address"), "verify")
    client.post(f"/requests/verify/{spent}/")
    status = link_in(OutboxEmail.objects.get(kind="acknowledgement", request=confirmed), "status")
    file_request(details="A request waiting for its confirmation.")
    return {
        "status": status,
        "spent": spent,
        "verify": link_in(last_email("confirm_address"), "verify"),
    }


def odd_tokens(real: list[str]) -> st.SearchStrategy[str]:
    """Tokens in a path: in half of the examples a real one, else a real one changed a little,
    one of the real shape, any text or any bytes."""
    real_ones = st.sampled_from(real)
    odd_texts = st.one_of(
        st.builds(
            lambda token, at, char: token[:at] + char + token[at + 1 :],
            real_ones,
            st.integers(0, 43),
            st.characters(),
        ),
        st.builds(operator.add, real_ones, ANY_TEXT),
        st.text(TOKEN_ALPHABET, min_size=30, max_size=66),
        ANY_TEXT,
        LONG_TEXT,
    )
    odd_bytes = st.binary(min_size=1, max_size=80).map(lambda raw: quote_from_bytes(raw, safe=""))
    return real_ones | (odd_texts.map(lambda token: quote(token, safe="")) | odd_bytes)


@FUZZ
@given(data=st.data())
def test_no_token_on_the_private_pages_errs_or_half_confirms_a_request(client, real_tokens, data):
    token = data.draw(odd_tokens(list(real_tokens.values())), label="token")
    page = data.draw(st.sampled_from(["status/{}/", "status/{}/messages/", "verify/{}/"]))
    method = data.draw(st.sampled_from(["get", "post"]))
    form = data.draw(st.dictionaries(st.sampled_from(["body", "token"]), JUNK, max_size=2))

    with own_database():
        response = getattr(client, method)(f"/requests/{page.format(token)}", form)
        event(f"{method.upper()} {page}: {response.status_code}")

        assert response.status_code < 500
        assert_nothing_half_written()


@FUZZ
@given(
    body=st.one_of(st.text(min_size=1, max_size=5000), JUNK, st.just(MISSING)),
    extra_fields=EXTRA_FIELDS,
    encoding=st.sampled_from(["multipart", "urlencoded", "raw"]),
    raw=st.binary(max_size=2000),
    raw_type=st.sampled_from(RAW_CONTENT_TYPES),
)
def test_no_message_on_a_status_link_errs_or_is_kept_without_its_event(
    client, status_token, body, extra_fields, encoding, raw, raw_type
):
    data = {**extra_fields, **({} if body is MISSING else {"body": body})}

    with own_database():
        response = post_form(
            client, f"/requests/status/{status_token}/messages/", data, encoding, raw, raw_type
        )
        event(f"{response.status_code}")

        assert response.status_code < 500
        assert Message.objects.count() == (response.status_code == 302)
        assert_nothing_half_written()
        assert_stored_text_keeps_the_rules()
