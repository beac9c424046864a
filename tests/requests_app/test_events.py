import pytest

from requests_app.models import RequestEvent, Status, TransitionNotAllowed
from tests.helpers import file_request


@pytest.mark.django_db
def test_an_event_cannot_be_changed():
    event = file_request().events.get()
    recorded = (event.kind, event.data)
    event.kind = RequestEvent.Kind.WITHDRAWN
    event.data = {}

    with pytest.raises(TypeError):
        event.save()
    stored = RequestEvent.objects.get(pk=event.pk)
    assert (stored.kind, stored.data) == recorded


@pytest.mark.django_db
def test_an_event_cannot_be_deleted():
    event = file_request().events.get()

    with pytest.raises(TypeError):
        event.delete()
    stored = RequestEvent.objects.get(pk=event.pk)
    assert (stored.kind, stored.data) == (event.kind, event.data)


@pytest.mark.django_db
def test_a_confirmed_request_cannot_be_confirmed_again():
    request = file_request()
    request._confirm_email()

    with pytest.raises(TransitionNotAllowed):
        request._confirm_email()
    assert request.events.filter(kind=RequestEvent.Kind.EMAIL_CONFIRMED).count() == 1


@pytest.mark.django_db
def test_a_withdrawn_request_cannot_be_withdrawn_or_confirmed():
    request = file_request()
    request._withdraw()

    for move in (request._withdraw, request._confirm_email):
        with pytest.raises(TransitionNotAllowed):
            move()
    request.refresh_from_db()
    assert request.status == Status.WITHDRAWN


@pytest.mark.django_db
def test_a_transition_checks_the_state_in_the_database_not_in_memory():
    request = file_request()
    stale = type(request).objects.get(pk=request.pk)
    request._withdraw()

    with pytest.raises(TransitionNotAllowed):
        stale._confirm_email()
