"""Many web processes file at once: references stay unique, a double post stays one request."""

import threading
from collections.abc import Callable

import pytest
from django.db import connections

from requests_app.models import OutboxEmail, PrivacyRequest
from tests.helpers import file_request


def run_at_once(jobs: list[Callable[[], object]]) -> list[object]:
    """Start every job at the same moment, each on its own thread and database connection."""
    barrier = threading.Barrier(len(jobs))
    results: list[object] = [None] * len(jobs)

    def run(index: int, job: Callable[[], object]) -> None:
        barrier.wait()
        try:
            results[index] = job()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


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
