"""The officer's list as CSV: streamed at once when short, written by a worker when long.

A list of up to INLINE_ROWS requests streams to the browser as it is read. A longer one would
keep the officer waiting (a million rows take most of a minute), so it becomes an `Export`:
a Celery task writes the file to the private storage a chunk of rows at a time (the worker's
memory stays flat) and the officer downloads it from the exports page. Only the officer who
asked may download it; the daily purge deletes exports after KEEP_DAYS.
"""

from __future__ import annotations

import logging
import os
import secrets
from datetime import timedelta

from celery import shared_task
from django.contrib import admin
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, QueryDict
from django.utils import timezone

from core.claims import claim_row
from requests_app import report
from requests_app.models import Export, PrivacyRequest, private_storage

logger = logging.getLogger(__name__)

INLINE_ROWS = 20_000
KEEP_DAYS = 7
# A worker writes a million rows in well under this; after it, another may take the export.
LEASE = timedelta(minutes=30)


def is_long(queryset: QuerySet[PrivacyRequest]) -> bool:
    """More than INLINE_ROWS, counted no further than that."""
    return queryset[: INLINE_ROWS + 1].count() > INLINE_ROWS


def start(user, query: str) -> Export:
    """Ask a worker for the list filtered by `query` (the list page's query string)."""
    with transaction.atomic():
        export = Export.objects.create(requested_by=user, query=query)
        transaction.on_commit(lambda: write.delay(export.pk))
    return export


def filtered_list(export: Export) -> QuerySet[PrivacyRequest]:
    """The list as its officer filtered it: the admin's own change list, read from the query
    string with the officer's permissions, in the list's order."""
    request = HttpRequest()
    request.method = "GET"
    request.GET = QueryDict(export.query)
    request.user = export.requested_by
    model_admin = admin.site.get_model_admin(PrivacyRequest)
    return model_admin.get_changelist_instance(request).get_queryset(request)


@shared_task(ignore_result=True, acks_late=True)
def write(export_id: int) -> bool:
    """Write the export's file if it can be claimed (the Celery task); True when written."""
    State = Export.State
    if not claim_row(
        Export, export_id, ready=[State.WAITING, State.RUNNING], taken=State.RUNNING, lease=LEASE
    ):
        return False
    export = Export.objects.select_related("requested_by").get(pk=export_id)
    name = f"exports/{export.pk}-{secrets.token_hex(8)}.csv"
    try:
        rows = write_file(filtered_list(export), name)
    except Exception as error:
        logger.exception("export %s failed", export_id, extra={"export_id": export_id})
        private_storage().delete(name)
        Export.objects.filter(pk=export_id).update(
            state=State.FAILED, error=f"{type(error).__name__}: {error}"[:2000]
        )
        return False
    Export.objects.filter(pk=export_id).update(
        state=State.DONE, rows=rows, path=name, finished_at=timezone.now()
    )
    return True


def write_file(queryset: QuerySet[PrivacyRequest], name: str) -> int:
    """The CSV a line at a time; returns the number of requests in it."""
    path = private_storage().path(name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    lines = -1  # the header
    with open(path, "w", encoding="utf-8", newline="") as out:
        for line in report.csv_rows(queryset):
            out.write(line)
            lines += 1
    return lines


def purge_old(now=None) -> int:
    """Delete exports (and their files) older than KEEP_DAYS; returns how many."""
    cutoff = (now or timezone.now()) - timedelta(days=KEEP_DAYS)
    old = list(Export.objects.filter(created_at__lt=cutoff))
    for export in old:
        if export.path:
            private_storage().delete(export.path)
        export.delete()
    return len(old)
