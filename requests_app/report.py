"""Figures for the yearly DPF verification (docs/RULES.md section 5): counts, speed, lateness."""

from __future__ import annotations

import csv
import math
import statistics
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, F, QuerySet
from django.db.models.functions import ExtractMonth, TruncDate

from requests_app import localtime
from requests_app.models import PENDING_ANSWER, PrivacyRequest, RefusalReason, RequestType

CHART_WIDTH, CHART_HEIGHT, BAR_GAP = 600, 200, 6


@dataclass
class YearReport:
    year: int
    per_month: dict[int, Counter] = field(default_factory=dict)
    answered: int = 0
    median_days: float | None = None
    p90_days: float | None = None
    answered_late: int = 0
    open_overdue: int = 0
    refusals: Counter = field(default_factory=Counter)

    @property
    def types(self) -> list[tuple[str, str]]:
        return list(RequestType.choices)

    @property
    def rows(self) -> list[tuple[int, list[int], int]]:
        """(month, count per type, total) for the twelve months."""
        return [
            (month, [self.per_month.get(month, Counter())[t] for t, _ in self.types], total)
            for month, total in self.month_totals()
        ]

    def month_totals(self) -> list[tuple[int, int]]:
        return [(m, sum(self.per_month.get(m, Counter()).values())) for m in range(1, 13)]

    @property
    def total(self) -> int:
        return sum(total for _month, total in self.month_totals())

    @property
    def refusal_rows(self) -> list[tuple[str, int]]:
        return [(label, self.refusals[value]) for value, label in RefusalReason.choices]

    @property
    def bars(self) -> list[dict]:
        """An SVG bar chart of requests per month, drawn on the server (no script, no CDN)."""
        totals = self.month_totals()
        peak = max((total for _m, total in totals), default=0) or 1
        width = CHART_WIDTH / 12
        return [
            {
                "x": round(index * width + BAR_GAP / 2, 1),
                "y": round(CHART_HEIGHT - CHART_HEIGHT * total / peak, 1),
                "width": round(width - BAR_GAP, 1),
                "height": round(CHART_HEIGHT * total / peak, 1),
                "label_x": round(index * width + width / 2, 1),
                "month": month,
                "total": total,
            }
            for index, (month, total) in enumerate(totals)
        ]


def year_report(year: int, today: date) -> YearReport:
    # The organisation's year and months, as its due dates count days (docs/DEADLINES.md).
    zone = localtime.zone()
    received = PrivacyRequest.objects.filter(**localtime.in_year("received_at", year))
    report = YearReport(year)
    for row in (
        received.annotate(month=ExtractMonth("received_at", tzinfo=zone))
        .values("month", "request_type")
        .annotate(n=Count("id"))
    ):
        report.per_month.setdefault(row["month"], Counter())[row["request_type"]] = row["n"]
    answered = received.filter(answered_at__isnull=False)
    days = sorted(
        (delta.total_seconds() / 86400)
        for delta in answered.annotate(took=F("answered_at") - F("received_at")).values_list(
            "took", flat=True
        )
    )
    report.answered = len(days)
    if days:
        report.median_days = round(statistics.median(days), 1)
        report.p90_days = round(percentile(days, 0.9), 1)
    report.answered_late = (
        answered.annotate(answered_on=TruncDate("answered_at", tzinfo=zone))
        .filter(answered_on__gt=F("due_on"))
        .count()
    )
    report.open_overdue = received.filter(status__in=PENDING_ANSWER, due_on__lt=today).count()
    report.refusals = Counter(
        dict(
            received.exclude(refusal_reason="")
            .values_list("refusal_reason")
            .annotate(n=Count("id"))
        )
    )
    return report


def percentile(ordered: list[float], share: float) -> float:
    """Nearest-rank percentile of an ordered list."""
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


CSV_COLUMNS = [
    ("reference", "reference"),
    ("request_type", "type"),
    ("country", "country"),
    ("status", "status"),
    ("received_at", "received"),
    ("due_on", "due"),
    ("due_rule", "due_rule"),
    ("extended_at", "extended"),
    ("answered_at", "answered"),
    ("refusal_reason", "refusal_reason"),
    ("closed_at", "closed"),
    ("assignee__username", "assignee"),
]


class Echo:
    """A file-like object whose write returns the line, for streaming csv.writer output."""

    def write(self, value: str) -> str:
        return value


def csv_rows(queryset: QuerySet[PrivacyRequest]) -> Iterator[str]:
    """The register as CSV: what the list shows, without names or addresses."""
    writer = csv.writer(Echo())
    yield writer.writerow([header for _field, header in CSV_COLUMNS])
    fields = [name for name, _header in CSV_COLUMNS]
    for values in queryset.values_list(*fields).iterator(chunk_size=2000):
        yield writer.writerow(["" if value is None else value for value in values])
