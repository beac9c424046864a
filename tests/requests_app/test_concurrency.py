"""Many web processes file at once: references stay unique, a double post stays one request."""

from collections.abc import Callable

import pytest

from requests_app.models import OutboxEmail, PrivacyRequest
from tests.helpers import file_request, run_at_once


@pytest.mark.django_db(transaction=True)
def test_parallel_filings_get_unique_consecutive_references():
    def file_five(worker: int) -> Callable[[], None]:
        def job() -> None:
            for n in range(5):
                file_request(details=f"worker {worker} filing {n}")

        return job

    run_at_once([file_five(worker) for worker in range(8)])

    numbers = sorted(
        int(ref[-6:]) for ref in PrivacyRequest.objects.values_list("reference", flat=True)
    )
    assert numbers == list(range(1, 41))


@pytest.mark.django_db(transaction=True)
def test_the_same_form_posted_twice_at_once_files_one_request():
    results = run_at_once([lambda: file_request(form_token="one-form").pk for _ in range(4)])

    assert PrivacyRequest.objects.count() == 1
    assert OutboxEmail.objects.count() == 1
    assert set(results) == {PrivacyRequest.objects.get().pk}
