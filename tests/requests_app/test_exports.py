"""The list as CSV: streamed at once when short, written by a worker when long."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from requests_app import exports
from requests_app.models import Export, PrivacyRequest, Status, private_storage
from tests.helpers import file_request, past_second_factor, staff_member

EXPORT = reverse("admin:requests_app_privacyrequest_export")
EXPORTS = reverse("admin:requests_app_privacyrequest_exports")


def references_in(content: bytes) -> set[str]:
    rows = list(csv.reader(io.StringIO(content.decode())))
    assert rows[0][0] == "reference"
    return {row[0] for row in rows[1:]}


@pytest.fixture
def requests(db) -> list[PrivacyRequest]:
    filed = [file_request(full_name=f"Requester {n}") for n in range(4)]
    PrivacyRequest.objects.filter(pk__in=[r.pk for r in filed[:3]]).update(status=Status.NEW)
    return filed


def test_a_short_list_streams_at_once(admin_client, requests):
    response = admin_client.get(EXPORT, {"status__exact": "new"})

    assert response["Content-Type"] == "text/csv"
    assert references_in(b"".join(response.streaming_content)) == {
        r.reference for r in requests[:3]
    }
    assert not Export.objects.exists()


def test_a_long_list_is_written_by_a_worker_and_downloaded_by_its_officer(
    admin_client, admin_user, requests, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(exports, "INLINE_ROWS", 2)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.get(EXPORT, {"status__exact": "new"})

    assert response.status_code == 302 and response["Location"] == EXPORTS
    export = Export.objects.get()
    assert (export.requested_by, export.state, export.rows) == (admin_user, "done", 3)
    page = admin_client.get(EXPORTS)
    download = reverse("admin:requests_app_privacyrequest_export_download", args=[export.pk])
    assert download in page.content.decode()
    file = admin_client.get(download)
    assert references_in(b"".join(file.streaming_content)) == {r.reference for r in requests[:3]}


def test_no_one_else_downloads_an_officers_export(client, admin_user, requests):
    name = "exports/test.csv"
    private_storage().save(name, io.BytesIO(b"reference\n"))
    export = Export.objects.create(
        requested_by=admin_user, state=Export.State.DONE, path=name, rows=0
    )
    may_view = Permission.objects.filter(codename="view_privacyrequest")
    past_second_factor(client, staff_member("colleague", list(may_view)))

    response = client.get(
        reverse("admin:requests_app_privacyrequest_export_download", args=[export.pk])
    )

    assert response.status_code == 404


def test_a_failed_export_says_why_and_leaves_no_file(admin_user, requests, monkeypatch):
    export = Export.objects.create(requested_by=admin_user, query="status__exact=new")

    def broken(queryset, name):
        raise OSError("disk full")

    monkeypatch.setattr(exports, "write_file", broken)

    assert exports.write(export.pk) is False
    export.refresh_from_db()
    assert export.state == Export.State.FAILED
    assert "disk full" in export.error


def test_an_export_is_written_once_even_when_its_task_runs_twice(admin_user, requests):
    export = Export.objects.create(requested_by=admin_user)

    assert exports.write(export.pk) is True
    assert exports.write(export.pk) is False
    export.refresh_from_db()
    assert export.rows == len(requests)


def test_the_purge_deletes_old_exports_and_their_files(admin_user, requests):
    export = Export.objects.create(requested_by=admin_user)
    exports.write(export.pk)
    export.refresh_from_db()
    recent = Export.objects.create(requested_by=admin_user)

    assert exports.purge_old(now=timezone.now() + timedelta(days=exports.KEEP_DAYS + 1)) == 2
    assert not private_storage().exists(export.path)
    assert not Export.objects.filter(pk__in=[export.pk, recent.pk]).exists()
