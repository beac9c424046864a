"""A request's page reads like a case: where it stands on top, the timeline in words, only the
steps its state allows, and a button only where something can be sent."""

from __future__ import annotations

import html
import re
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from requests_app import case_summary, services, timeline
from requests_app.models import (
    DUE_RULE_LABELS,
    Message,
    PrivacyRequest,
    RefusalReason,
    RequestEvent,
    Status,
    WaitReason,
)
from tests.helpers import file_request, message_form

Kind = RequestEvent.Kind
# Monday 2 March 2026: a month ends on Thursday 2 April 2026, a working day in DE and GB.
FILED_AT = datetime.fromisoformat("2026-03-02T10:00:00+00:00")
DUE = date(2026, 4, 2)


def change_url(request: PrivacyRequest) -> str:
    return f"/admin/requests_app/privacyrequest/{request.pk}/change/"


def page_of(client, request: PrivacyRequest, **headers: str) -> str:
    response = client.get(change_url(request), **headers)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def change_form(page: str) -> str:
    """The request's own form on the page, without the header's log-out form."""
    return re.search(r'<form [^>]*id="privacyrequest_form".*?</form>', page, re.S).group(0)


def offered_steps(page: str) -> set[str]:
    return set(re.findall(r'href="/admin/requests_app/privacyrequest/\d+/step/(\w+)/"', page))


@pytest.fixture
def officer(db):
    return get_user_model().objects.create_user(
        "olga", first_name="Olga", last_name="Berger", is_staff=True
    )


def in_status(status: str, officer, **filing: str) -> PrivacyRequest:
    """A request filed on FILED_AT and taken to `status` the same morning."""
    with time_machine.travel(FILED_AT, tick=False):
        request = file_request(**filing)
        if status == Status.LAPSED:
            request.lapse()
        elif status != Status.UNCONFIRMED:
            request._confirm_email()
        if status in {Status.IN_PROGRESS, Status.WAITING}:
            request.start(officer)
        if status == Status.WAITING:
            services.ask_requester(request, WaitReason.CLARIFICATION, "Which account?", officer)
        if status == Status.ANSWERED:
            request._answer(officer)
        if status in {Status.REFUSED, Status.CLOSED}:
            request._refuse(RefusalReason.NO_DATA, officer)
        if status == Status.CLOSED:
            request.close(officer)
        if status == Status.WITHDRAWN:
            request._withdraw()
    request.refresh_from_db()
    assert request.status == status
    return request


def on(day: str):
    return time_machine.travel(datetime.fromisoformat(f"{day}T12:00:00+00:00"), tick=False)


# --- The timeline in words ------------------------------------------------------------------

# Each kind's data as the code records it (requests_app/models/moves.py, services.py, runs.py,
# reminders.py, retention.py, answer_package.py, views.py, disputes_app/services.py).
RECORDED: dict[str, dict] = {
    Kind.FILED: {"due_on": "2026-04-02", "rule": "gdpr_month"},
    Kind.EMAIL_CONFIRMED: {},
    Kind.MESSAGE_FROM_REQUESTER: {"message": 7},
    Kind.MESSAGE_FROM_TEAM: {"message": 8},
    Kind.LINKS_SENT: {"purpose": "status"},
    Kind.WITHDRAWN: {},
    Kind.WAIT_STARTED: {"reason": "identity", "after_due": True},
    Kind.WAIT_ENDED: {"reason": "identity"},
    Kind.EXTENDED: {"reason": "The data is spread over three systems.", "due_on": "2026-06-02"},
    Kind.DUE_DATE_MOVED: {"from": "2026-04-02", "to": "2026-04-13", "rule": "uk_gdpr_month"},
    Kind.ANSWERED: {"open_tasks": ["Google", "FastSpring"], "why": "They hold nothing of hers."},
    Kind.STARTED: {},
    Kind.ASSIGNED: {"to": "olga"},
    Kind.REFUSED: {"reason": "no_data", "in_part": True, "late": True},
    Kind.CLOSED: {},
    Kind.VIEWED: {"via": "api"},
    Kind.IDENTITY_CHECKED: {"method": "account", "confirmed": True},
    Kind.TASK_DONE: {"system": "Google", "recipient_told": True},
    Kind.FILE_DOWNLOADED: {"file": 3},
    Kind.PURGED: {"events_scrubbed": 2},
    Kind.ESCALATED: {"body": "icdr-aaa", "dispute": 5},
    Kind.LAPSED: {},
    Kind.CLOSED_AS_SPAM: {},
    Kind.CLOSED_AS_DUPLICATE: {"duplicate_of": "DSR-2026-000041"},
    Kind.DUPLICATE_MERGED: {"duplicate": "DSR-2026-000042"},
    Kind.REMINDER_SENT: {"kind": "due_soon", "deadline": "2026-03-26"},
    Kind.RUN_STARTED: {
        "run": 1,
        "action": "erasure",
        "dry_run": True,
        "systems": ["Shop database", "Newsletter"],
    },
    Kind.DATA_COLLECTED: {
        "run": 1,
        "system": "Shop database",
        "rows": 12,
        "tables": [{"table": "customers", "rows": 1, "limited": False}],
    },
    Kind.DATA_ERASED: {"run": 2, "system": "Shop database", "rows": 1, "tables": []},
    Kind.ERASURE_COUNTED: {"run": 1, "system": "Shop database", "rows": 3, "tables": []},
    Kind.SYSTEM_FAILED: {"run": 3, "system": "Newsletter", "error": "Connection refused"},
    Kind.PACKAGE_BUILT: {"run": 1, "size": 20480},
}
# What a raw payload leaves behind: braces, brackets, quoted keys, Python's words, ISO dates,
# keys and codes in snake_case.
RESIDUE = re.compile(r"[{}\[\]\"]|'\w*'|\b(None|True|False)\b|\d{4}-\d\d-\d\d|\w+_\w+")


def event(kind: str, data: dict, actor: str = RequestEvent.Actor.SYSTEM) -> RequestEvent:
    return RequestEvent(kind=kind, data=data, actor=actor)


def test_every_kind_of_event_has_its_own_sentence():
    assert set(timeline.SENTENCES) == set(Kind.values)
    assert set(RECORDED) == set(Kind.values)


@pytest.mark.parametrize("kind", Kind.values)
@pytest.mark.parametrize("language", ["en", "de"])
def test_every_kind_reads_as_a_sentence_without_its_raw_data(kind, language):
    with translation.override(language):
        written = timeline.sentence(event(kind, RECORDED[kind]))
        bare = timeline.sentence(event(kind, {}))

    assert written.strip() and bare.strip()
    assert not RESIDUE.search(written), written
    assert not RESIDUE.search(bare), bare


def test_a_kind_the_timeline_does_not_know_is_named_by_its_label():
    assert timeline.sentence(event("dispute_note", {"note": 1})) == "Dispute note"


@pytest.mark.parametrize(
    ("kind", "data", "expected"),
    [
        (
            Kind.DUE_DATE_MOVED,
            RECORDED[Kind.DUE_DATE_MOVED],
            "Due date moved from April 2, 2026 to April 13, 2026: one month (UK GDPR Art. 12(3)).",
        ),
        (
            Kind.EXTENDED,
            RECORDED[Kind.EXTENDED],
            "Time to answer extended to June 2, 2026. The reason: The data is spread over three "
            "systems.",
        ),
        (Kind.EXTENDED, {"due_on": "2026-06-02"}, "Time to answer extended to June 2, 2026."),
        (
            Kind.REFUSED,
            RECORDED[Kind.REFUSED],
            "Answered and refused in part, after the last day to refuse had passed: No data "
            "about the requester was found.",
        ),
        (
            Kind.REFUSED,
            {"reason": "manifestly_unfounded", "in_part": False, "late": False},
            "Refused: Manifestly unfounded or excessive (GDPR Art. 12(5)).",
        ),
        (Kind.ASSIGNED, {"to": "olga"}, "Assigned to olga."),
        (Kind.ASSIGNED, {"to": None}, "No longer assigned to anyone."),
        (
            Kind.WAIT_STARTED,
            {"reason": "fee"},
            "The requester was asked for a fee.",
        ),
        (
            Kind.WAIT_STARTED,
            RECORDED[Kind.WAIT_STARTED],
            "The requester was asked for information to confirm the requester's identity after "
            "the answer was due: the due date does not move.",
        ),
        (
            Kind.ANSWERED,
            RECORDED[Kind.ANSWERED],
            "Answered while the tasks for Google, FastSpring were still open. Why: They hold "
            "nothing of hers.",
        ),
        (
            Kind.REMINDER_SENT,
            RECORDED[Kind.REMINDER_SENT],
            "The officer was reminded that the answer is due soon.",
        ),
        (
            Kind.RUN_STARTED,
            RECORDED[Kind.RUN_STARTED],
            "2 systems were asked to count what erasure would change: Shop database, Newsletter.",
        ),
        (
            Kind.RUN_STARTED,
            {"action": "access", "dry_run": False, "systems": ["Shop database"]},
            "1 system was asked for the data: Shop database.",
        ),
        (
            Kind.DATA_COLLECTED,
            RECORDED[Kind.DATA_COLLECTED],
            "12 rows collected from Shop database.",
        ),
        (Kind.DATA_ERASED, RECORDED[Kind.DATA_ERASED], "1 row erased in Shop database."),
        (
            Kind.PACKAGE_BUILT,
            RECORDED[Kind.PACKAGE_BUILT],
            "The copy of the data was prepared (20.0\xa0KB).",
        ),
        (
            Kind.FILED,
            {"due_on": "2026-04-02", "rule": "gdpr_month", "logged": True},
            "Request logged by hand, as it came by e-mail or letter; the answer is due on "
            "April 2, 2026: one month (GDPR Art. 12(3)).",
        ),
    ],
)
def test_each_sentence_says_what_its_data_holds(kind, data, expected):
    with translation.override("en"):
        assert timeline.sentence(event(kind, data)) == expected


@pytest.mark.django_db
def test_who_did_it_is_the_staff_member_by_name_the_requester_or_the_portal(officer):
    by_officer = RequestEvent(kind=Kind.STARTED, actor=RequestEvent.Actor.STAFF, staff_user=officer)
    by_nameless = RequestEvent(
        kind=Kind.STARTED,
        actor=RequestEvent.Actor.STAFF,
        staff_user=get_user_model()(username="kim"),
    )

    assert timeline.who(by_officer) == "Olga Berger"
    assert timeline.who(by_nameless) == "kim"
    assert timeline.who(event(Kind.EMAIL_CONFIRMED, {}, RequestEvent.Actor.REQUESTER)) == (
        "the requester"
    )
    assert timeline.who(event(Kind.REMINDER_SENT, {})) == "the portal"


@pytest.mark.django_db
def test_the_events_the_use_cases_record_all_read_without_raw_data(officer):
    request = in_status(Status.IN_PROGRESS, officer, country="GB")
    with on("2026-03-05"):
        request.assign(officer, officer)
        request.record_identity_check("account", True, officer, "Customer 4711")
        services.ask_requester(request, WaitReason.IDENTITY, "Your customer number?", officer)
    with on("2026-03-06"):
        services.post_requester_message(request, "It is 4711.")
        for task in request.tasks.all()[:1]:
            task.complete("Exported.", officer)
        services.extend(request, "Three systems hold the data.", officer)
        request._answer(officer, open_tasks_reason="The others hold nothing.")
        request.close(officer)

    sentences = [entry.sentence for entry in timeline.timeline(request)]

    assert len(sentences) == request.events.count() >= 12
    assert [s for s in sentences if RESIDUE.search(s)] == []


def test_dates_in_sentences_follow_the_language():
    with translation.override("it"):
        italian = timeline.written_date(DUE + timedelta(days=10))
    with translation.override("de"):
        german = timeline.written_date(DUE)

    assert (italian, german) == ("12 aprile 2026", "2. April 2026")


# --- Where the request stands ---------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("today", "expected"),
    [
        ("2026-03-23", "Due on April 2, 2026: 10 days left."),
        ("2026-04-01", "Due on April 2, 2026: 1 day left."),
        ("2026-04-02", "Due today, April 2, 2026."),
        ("2026-04-03", "Was due on April 2, 2026: 1 day overdue."),
        ("2026-04-05", "Was due on April 2, 2026: 3 days overdue."),
    ],
)
def test_an_open_request_counts_the_days_to_its_due_date(officer, today, expected):
    request = in_status(Status.IN_PROGRESS, officer)

    summary = case_summary.summary(request, date.fromisoformat(today))

    assert summary.due == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("answered", "expected"),
    [
        ("2026-03-20", "Answered on March 20, 2026, in time: the answer was due on April 2, 2026."),
        ("2026-04-02", "Answered on April 2, 2026, in time: the answer was due on April 2, 2026."),
        (
            "2026-04-04",
            "Answered on April 4, 2026, 2 days late: the answer was due on April 2, 2026.",
        ),
    ],
)
def test_an_answered_request_says_when_and_whether_in_time(officer, answered, expected):
    request = in_status(Status.NEW, officer)
    with on(answered):
        request._answer(officer)

    with on("2026-05-01"):
        summary = case_summary.summary(request, date(2026, 5, 1))

    assert summary.due == expected


@pytest.mark.django_db
def test_a_refusal_after_an_extension_is_judged_by_the_last_day_to_refuse(officer):
    request = in_status(Status.IN_PROGRESS, officer)
    with on("2026-03-07"):
        request._extend("Complex.", officer)
    with on("2026-04-12"):
        request._refuse(RefusalReason.DISPROPORTIONATE, officer)

    summary = case_summary.summary(request, date(2026, 4, 12))

    assert request.due_on == date(2026, 6, 2)
    assert (
        summary.due
        == "Refused on April 12, 2026, 10 days late: a refusal was due by April 2, 2026."
    )
    assert summary.rule == "three months, extended (GDPR Art. 12(3))"


@pytest.mark.django_db
def test_a_stopped_clock_counts_no_days(officer):
    request = in_status(Status.IN_PROGRESS, officer, country="GB")
    with on("2026-03-05"):
        services.ask_requester(request, WaitReason.IDENTITY, "Your customer number?", officer)
    request.refresh_from_db()

    summary = case_summary.summary(request, date(2026, 4, 20))

    assert summary.due == (
        "Due on April 2, 2026 for now: the clock is stopped until the requester answers."
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (Status.WITHDRAWN, "Withdrawn by the requester on March 2, 2026: no answer is due."),
        (Status.LAPSED, "Lapsed on March 2, 2026: the e-mail address was never confirmed."),
    ],
)
def test_a_request_that_ended_without_an_answer_says_how(officer, status, expected):
    request = in_status(status, officer)

    assert case_summary.summary(request, date(2026, 5, 1)).due == expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (
            Status.UNCONFIRMED,
            "Next: the requester confirms the e-mail address. Nothing to do until then.",
        ),
        (Status.NEW, "Next: start work."),
        (Status.IN_PROGRESS, "Next: answer, or ask the requester."),
        (
            Status.WAITING,
            "Next: the requester's answer. Waiting for a clarification of the request since "
            "March 2, 2026.",
        ),
        (Status.ANSWERED, "Next: close the request."),
        (Status.REFUSED, "Next: close the request."),
        (Status.CLOSED, ""),
        (Status.WITHDRAWN, ""),
        (Status.LAPSED, ""),
    ],
)
def test_the_next_step_is_named_for_each_status(officer, status, expected):
    request = in_status(status, officer)

    assert case_summary.next_step(request) == expected


def test_a_language_is_named_in_the_readers_language():
    with translation.override("en"):
        english = case_summary.language_name("de")
    with translation.override("de"):
        german = case_summary.language_name("it")

    assert (english, german) == ("German", "Italienisch")
    assert case_summary.language_name("xx") == "xx"


# --- Only the steps the request allows now --------------------------------------------------

ALL_OPEN_STEPS = {"assign", "ask", "identity", "extend", "answer", "refuse"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "steps"),
    [
        (Status.UNCONFIRMED, {"assign", "identity"}),
        (Status.NEW, ALL_OPEN_STEPS | {"start"}),
        (Status.IN_PROGRESS, ALL_OPEN_STEPS),
        (Status.WAITING, ALL_OPEN_STEPS - {"ask"}),
        (Status.ANSWERED, {"close"}),
        (Status.REFUSED, {"close"}),
        (Status.CLOSED, set()),
        (Status.WITHDRAWN, set()),
        (Status.LAPSED, set()),
    ],
)
def test_the_page_offers_exactly_the_steps_the_status_allows(admin_client, officer, status, steps):
    request = in_status(status, officer)

    with on("2026-03-03"):
        page = page_of(admin_client, request)

    assert offered_steps(page) == steps


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("why", "today"),
    [
        ("extended once already", "2026-03-03"),
        ("a complaint", "2026-03-03"),
        ("late", "2026-04-03"),
    ],
)
def test_extend_is_offered_only_while_an_extension_is_possible(admin_client, officer, why, today):
    request_type = "complaint" if why == "a complaint" else "access"
    request = in_status(Status.IN_PROGRESS, officer, request_type=request_type)
    if why == "extended once already":
        with on("2026-03-02"):
            request._extend("Complex.", officer)

    with on(today):
        steps = offered_steps(page_of(admin_client, request))

    assert "extend" not in steps
    assert {"answer", "refuse"} <= steps


# --- The page reads like the case -----------------------------------------------------------


@pytest.mark.django_db
def test_the_page_opens_with_where_the_request_stands(admin_client, officer):
    request = in_status(Status.IN_PROGRESS, officer)
    PrivacyRequest.objects.filter(pk=request.pk).update(language="de")

    with on("2026-03-23"):
        page = page_of(admin_client, request)

    summary = page[page.index('id="case-summary-title"') : page.index("</section>")]
    assert '<dd id="case-status">Being worked on</dd>' in summary
    assert '<dd id="case-due">Due on April 2, 2026: 10 days left.</dd>' in summary
    assert '<dd id="case-rule">one month (GDPR Art. 12(3))</dd>' in summary
    assert '<dd id="case-language">German</dd>' in summary
    assert "Next: answer, or ask the requester." in summary
    assert page.index('id="case-summary-title"') < page.index('class="form-row')


@pytest.mark.django_db
def test_the_days_are_counted_from_the_organisations_today_not_utc(admin_client, settings, officer):
    settings.ORGANISATION_TIME_ZONE = "Pacific/Auckland"
    request = in_status(Status.IN_PROGRESS, officer)
    request.due_on = DUE
    request.save(update_fields=["due_on"])

    # 20:00 UTC on 1 April is already 2 April in Auckland.
    with time_machine.travel(datetime.fromisoformat("2026-04-01T20:00:00+00:00"), tick=False):
        page = page_of(admin_client, request)

    assert "Due today, April 2, 2026." in page


@pytest.mark.django_db
def test_the_language_is_shown_by_its_name_not_its_code(admin_client, officer):
    request = in_status(Status.NEW, officer)
    PrivacyRequest.objects.filter(pk=request.pk).update(language="it")

    page = page_of(admin_client, request)

    assert '<div class="readonly">Italian</div>' in page
    assert '<div class="readonly">it</div>' not in page
    assert case_summary.language_name("xx") == "xx"


@pytest.fixture
def uk_identity_case(officer) -> PrivacyRequest:
    """A British access request whose month began again when the identity information came
    (UK GDPR Art. 12A): due on 2 April, then on 13 April."""
    request = in_status(Status.IN_PROGRESS, officer, country="GB")
    with on("2026-03-05"):
        services.ask_requester(request, WaitReason.IDENTITY, "Your customer number?", officer)
    with on("2026-03-13"):
        services.post_requester_message(request, "It is 4711.")
    request.refresh_from_db()
    assert request.due_on == date(2026, 4, 13)
    return request


@pytest.mark.django_db
def test_the_timeline_names_the_new_due_date_and_its_rule_in_words(admin_client, uk_identity_case):
    with on("2026-03-14"):
        page = page_of(admin_client, uk_identity_case)

    timeline_section = page[page.index('id="case-timeline-title"') :]
    assert (
        "Due date moved from April 2, 2026 to April 13, 2026: one month (UK GDPR Art. 12(3))."
        in timeline_section
    )
    assert "The requester was asked for information to confirm the requester's identity." in page
    assert "The requester answered and sent information to confirm" in page
    assert "Olga Berger" in timeline_section
    assert '"from"' not in page and "uk_gdpr_month" not in page


@pytest.mark.django_db
def test_the_timeline_is_written_in_german_for_a_german_reader(admin_client, uk_identity_case):
    moved = uk_identity_case.events.get(kind=Kind.DUE_DATE_MOVED)

    with translation.override("de"):
        german = timeline.sentence(moved)
        rule = str(DUE_RULE_LABELS["uk_gdpr_month"])
    with on("2026-03-14"):
        page = page_of(admin_client, uk_identity_case, HTTP_ACCEPT_LANGUAGE="de")

    assert "13. April 2026" in german and rule in german
    assert german in page


@pytest.mark.django_db
def test_the_timeline_lists_the_events_in_the_order_they_happened(admin_client, officer):
    request = in_status(Status.REFUSED, officer)
    with on("2026-03-20"):
        request.close(officer)

    page = page_of(admin_client, request)

    order = [
        "Request received; the answer is due on April 2, 2026",
        "The e-mail address was confirmed.",
        "Refused: No data about the requester was found.",
        "Closed.",
        "Request looked at.",
    ]
    positions = [page.index(sentence) for sentence in order]
    assert positions == sorted(positions)


@pytest.mark.django_db
def test_the_timeline_costs_no_more_queries_however_long_it_is(admin_client, officer):
    request = in_status(Status.IN_PROGRESS, officer)
    page_of(admin_client, request)  # the session and the content types

    with CaptureQueriesContext(connection) as short:
        page_of(admin_client, request)
    for n in range(40):
        kind = [Kind.VIEWED, Kind.REMINDER_SENT, Kind.ASSIGNED, Kind.DUE_DATE_MOVED][n % 4]
        request.record(kind, actor=RequestEvent.Actor.STAFF, staff_user=officer, data={})
    with CaptureQueriesContext(connection) as long:
        page = page_of(admin_client, request)

    assert len(long) == len(short) <= 30
    assert page.count("<tr><td><time") == request.events.count()


# --- A button only where something can be sent ----------------------------------------------


@pytest.mark.django_db
def test_an_open_request_has_one_button_and_it_sends_the_message(admin_client, officer):
    request = in_status(Status.IN_PROGRESS, officer)

    form = change_form(page_of(admin_client, request))
    response = admin_client.post(change_url(request), message_form(request, "We are on it."))

    assert re.findall(r'<input type="submit" value="([^"]+)"', form) == ["Send the message"]
    assert "<button" not in form
    assert response.status_code == 302 and response.url == change_url(request)
    assert Message.objects.get().body == "We are on it."
    after = page_of(admin_client, request)
    assert "The message was sent to the requester." in after
    assert "was changed successfully" not in after
    assert not re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", after), "a raw time"


@pytest.mark.django_db
def test_an_empty_message_box_sends_nothing_and_says_so(admin_client, officer):
    request = in_status(Status.IN_PROGRESS, officer)

    response = admin_client.post(change_url(request), message_form(request, ""), follow=True)

    assert "Nothing was sent: the message was empty." in response.content.decode()
    assert not Message.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("status", [Status.CLOSED, Status.WITHDRAWN, Status.ANSWERED])
def test_a_request_that_is_no_longer_open_has_no_save_row(admin_client, officer, status):
    request = in_status(status, officer)

    form = change_form(page_of(admin_client, request))
    response = admin_client.post(change_url(request), message_form(request, "Hello again."))

    assert 'type="submit"' not in form and "submit-row" not in form
    assert 'name="messages-0-body"' not in form
    assert not Message.objects.filter(body="Hello again.").exists()
    assert response.status_code == 302


@pytest.mark.django_db
def test_a_view_only_member_has_no_save_row(view_only_client, officer):
    request = in_status(Status.IN_PROGRESS, officer)

    page = page_of(view_only_client, request)
    form = change_form(page)

    assert 'type="submit"' not in form and "submit-row" not in form
    assert offered_steps(page) == set()
    assert "Next: answer, or ask the requester." in page


@pytest.mark.django_db
def test_logging_a_request_by_hand_keeps_its_save_button(admin_client):
    page = admin_client.get("/admin/requests_app/privacyrequest/add/").content.decode()

    assert 'name="_save"' in page
