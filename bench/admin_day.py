"""The officer's day on a million requests (bench/admin.py runs it): bulk actions, a long export.

Bulk actions: each of the list's actions posted as the officer would, on 100 requests in a
state that allows it, timed from the POST to the answer (target: under 2 s each).

The export: a fresh process (`python bench/admin_day.py export QUERY`) takes the role of the
Celery worker and writes an export of the list as filtered by QUERY with the portal's own
task, `requests_app.exports.write`, then prints its seconds, rows and peak RSS. Run once for
the whole list (`open=all`: every request) and once for a short one: the difference of the
two peaks is what the rows cost the worker's memory (flat: they are read and written a chunk
at a time). Target: 1,000,000 rows in under 60 s.
"""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BULK_ROWS = 100
BULK_TARGET_MS = 2000.0
EXPORT_TARGET_S = 60.0
# Peak RSS the whole list may add over a short one: flat means the rows are not kept.
EXPORT_FLAT_MB = 50.0
LIST = "/admin/requests_app/privacyrequest/"


@dataclass
class Bulk:
    action: str
    selected: int
    ms: float
    report: list[str]

    @property
    def passed(self) -> bool:
        return self.selected == BULK_ROWS and self.ms < BULK_TARGET_MS


@dataclass
class ExportRun:
    query: str
    seconds: float
    rows: int
    peak_rss_mb: float


def selection(statuses: list[str]) -> list[int]:
    """BULK_ROWS requests in one of `statuses`, spread over the table."""
    from requests_app.models import PrivacyRequest

    ids = PrivacyRequest.objects.filter(status__in=statuses).values_list("pk", flat=True)
    step = max(ids.count() // BULK_ROWS, 1)
    return list(ids.order_by("pk")[::step][:BULK_ROWS])


def bulk_actions(client: Any) -> list[Bulk]:
    """Each action on its own 100 requests; the confirmation pages' second POST is timed."""
    from django.contrib.auth import get_user_model

    officer = get_user_model().objects.get(username="bench-officer")
    plans = [
        ("assign_to_officer", ["new", "in_progress"], {"assignee": officer.pk, "apply": "1"}),
        ("start_requests", ["new"], {}),
        ("close_as_spam", ["unconfirmed"], {}),
        (
            "refuse_as_unfounded",
            ["in_progress"],
            {"explanation": "The same request, again.", "confirm": "on", "apply": "1"},
        ),
        ("export_selected", ["answered", "closed"], {}),
    ]
    results = []
    for action, statuses, extra in plans:
        ids = selection(statuses)
        started = time.perf_counter()
        response = client.post(LIST, {"action": action, "_selected_action": ids, **extra})
        if action == "export_selected":
            b"".join(response.streaming_content)
        elapsed = (time.perf_counter() - started) * 1000
        # The list shows (and so uses up) the action's messages; not timed.
        page = client.get(LIST).content.decode()
        shown = re.findall(r'<li class="(?:success|info|warning)">([^<]*)', page)
        results.append(Bulk(action, len(ids), elapsed, [m[:120] for m in shown]))
    return results


def figures_counted_anew(client: Any, runs: int = 3) -> list[float]:
    """The figures page when its counts are not kept yet (the first view in FRESH_FOR that the
    beat did not count before), ms per fetch."""
    from requests_app import report as portal_report

    times = []
    for _ in range(runs):
        portal_report.forget()
        started = time.perf_counter()
        client.get(f"{LIST}report/")
        times.append((time.perf_counter() - started) * 1000)
    return times


def export_in_a_worker(env: dict[str, str], query: str) -> ExportRun:
    command = [sys.executable, str(Path(__file__)), "export", query]
    output = subprocess.run(
        command, env={**os.environ, **env}, cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    figures = json.loads(output.strip().splitlines()[-1])
    return ExportRun(query, figures["seconds"], figures["rows"], figures["peak_rss_mb"])


def exports(env: dict[str, str]) -> tuple[ExportRun, ExportRun]:
    """The whole list, and a short one (one reference searched) as the baseline."""
    from requests_app.models import PrivacyRequest

    reference = PrivacyRequest.objects.order_by("pk").values_list("reference", flat=True)[0]
    whole = export_in_a_worker(env, "open=all")
    return whole, export_in_a_worker(env, f"open=all&q={reference}")


def report(bulk: list[Bulk], whole: ExportRun, short: ExportRun, cold: list[float]) -> bool:
    passed = True
    print(
        "\n== figures page counted anew (not kept; the beat keeps this year's and last year's):"
        f" {', '.join(f'{ms:.0f}' for ms in cold)} ms (no target: the kept page is timed above)"
    )
    print(f"\n== bulk actions on {BULK_ROWS} selected requests (PASS: under {BULK_TARGET_MS} ms)")
    for result in bulk:
        passed &= result.passed
        print(
            f"  {'PASS' if result.passed else 'FAIL'}  {result.action:22} {result.ms:8.1f} ms"
            f"  {result.selected} selected; {' / '.join(result.report)[:160]}"
        )
    grown = whole.peak_rss_mb - short.peak_rss_mb
    ok_time = whole.seconds < EXPORT_TARGET_S
    ok_memory = grown < EXPORT_FLAT_MB
    passed &= ok_time and ok_memory
    print("\n== export of the list by a worker process (requests_app.exports.write)")
    for run in (whole, short):
        print(
            f"  ?{run.query}: {run.rows:,} rows in {run.seconds:.1f} s, "
            f"peak RSS {run.peak_rss_mb:.0f} MB"
        )
    print(f"  {'PASS' if ok_time else 'FAIL'}  whole list under {EXPORT_TARGET_S:.0f} s")
    print(
        f"  {'PASS' if ok_memory else 'FAIL'}  memory flat: the whole list's peak "
        f"{grown:+.0f} MB over the short one's (under {EXPORT_FLAT_MB:.0f} MB)"
    )
    return passed


def export_child(query: str) -> None:
    """In the worker's role: one export, written by the portal's task; figures as JSON."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "privacyportal.settings")
    django.setup()
    from django.contrib.auth import get_user_model

    from requests_app import exports as portal_exports
    from requests_app.models import Export, private_storage

    officer = get_user_model().objects.get(username="bench-officer")
    export = Export.objects.create(requested_by=officer, query=query)
    started = time.perf_counter()
    if not portal_exports.write(export.pk):
        raise SystemExit(Export.objects.get(pk=export.pk).error or "not written")
    seconds = time.perf_counter() - started
    export.refresh_from_db()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    private_storage().delete(export.path)
    export.delete()
    print(json.dumps({"seconds": seconds, "rows": export.rows, "peak_rss_mb": peak_mb}))


if __name__ == "__main__" and sys.argv[1:2] == ["export"]:
    export_child(sys.argv[2])
