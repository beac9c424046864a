"""Figures for the record (docs/RULES.md section 5): by year or quarter, as tables and CSV.

What an annual report and a DPF self-assessment ask for: requests received by month and
type, and by country and type; how fast they were answered (median and 95th percentile of
days), how many late, extended, refused by reason; and what other apps add through
`hooks.report_sections` (the disputes: escalated and their outcomes). Every table can be
downloaded as CSV. Periods are the organisation's calendar (docs/DEADLINES.md).
"""

from __future__ import annotations

import csv
import io
import math
import statistics
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, F, QuerySet
from django.db.models.functions import ExtractMonth, TruncDate
from django.utils.translation import gettext
from django_countries import countries

from requests_app import hooks, localtime
from requests_app.models import PENDING_ANSWER, PrivacyRequest, RefusalReason, RequestType

CHART_WIDTH, CHART_HEIGHT, BAR_GAP = 600, 200, 6


@dataclass(frozen=True)
class Period:
    """A year, or one of its quarters, in the organisation's calendar."""

    year: int
    quarter: int | None = None

    @property
    def months(self) -> range:
        if self.quarter is None:
            return range(1, 13)
        return range(3 * self.quarter - 2, 3 * self.quarter + 1)

    def of(self, field_name: str) -> dict[str, Any]:
        """Filter arguments for a moment `field_name` within the period."""
        first = date(self.year, self.months[0], 1)
        after = (
            date(self.year + 1, 1, 1)
            if self.months[-1] == 12
            else date(self.year, self.months[-1] + 1, 1)
        )
        return {
            f"{field_name}__gte": localtime.start_of(first),
            f"{field_name}__lt": localtime.start_of(after),
        }

    @property
    def label(self) -> str:
        if self.quarter is None:
            return str(self.year)
        return gettext("Q%(quarter)d %(year)d") % {"quarter": self.quarter, "year": self.year}

    @property
    def query(self) -> str:
        return f"year={self.year}" + (f"&quarter={self.quarter}" if self.quarter else "")


@dataclass
class Table:
    """One table of figures: a row label, then numbers; `slug` names its CSV."""

    slug: str
    title: str
    headers: list[str]
    rows: list[list[Any]]

    def csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(self.headers)
        writer.writerows(["" if value is None else value for value in row] for row in self.rows)
        return out.getvalue()


@dataclass
class Figures:
    period: Period
    per_month: dict[int, Counter] = field(default_factory=dict)
    per_country: dict[str, Counter] = field(default_factory=dict)
    answered: int = 0
    median_days: float | None = None
    p95_days: float | None = None
    answered_late: int = 0
    extended: int = 0
    open_overdue: int = 0
    refusals: Counter = field(default_factory=Counter)
    more: list[Table] = field(default_factory=list)

    @property
    def types(self) -> list[str]:
        return [value for value, _label in RequestType.choices]

    def month_totals(self) -> list[tuple[int, int]]:
        return [(m, sum(self.per_month.get(m, Counter()).values())) for m in self.period.months]

    @property
    def total(self) -> int:
        return sum(total for _month, total in self.month_totals())

    @property
    def tables(self) -> list[Table]:
        counts = [*self.types, gettext("total")]
        by_month = Table(
            "by-month",
            gettext("Requests received per month, by type"),
            [gettext("month"), *counts],
            [
                [month, *(self.per_month.get(month, Counter())[t] for t in self.types), total]
                for month, total in self.month_totals()
            ],
        )
        by_country = Table(
            "by-country",
            gettext("Requests received per country of residence, by type"),
            [gettext("country"), *counts],
            [
                [
                    f"{countries.name(code) or code} ({code})",
                    *(per_type[t] for t in self.types),
                    sum(per_type.values()),
                ]
                for code, per_type in sorted(
                    self.per_country.items(), key=lambda item: (-sum(item[1].values()), item[0])
                )
            ],
        )
        speed = Table(
            "answers",
            gettext("How fast requests were answered"),
            [gettext("figure"), gettext("value")],
            [
                [gettext("Answered"), self.answered],
                [gettext("Median days to answer"), self.median_days],
                [gettext("95th percentile, days to answer"), self.p95_days],
                [gettext("Answered late"), self.answered_late],
                [gettext("Extended"), self.extended],
                [gettext("Still open and overdue"), self.open_overdue],
            ],
        )
        refusals = Table(
            "refusals",
            gettext("Refusals by reason"),
            [gettext("reason"), gettext("requests")],
            [[str(label), self.refusals[value]] for value, label in RefusalReason.choices],
        )
        return [by_month, by_country, speed, refusals, *self.more]

    def table(self, slug: str) -> Table | None:
        return next((table for table in self.tables if table.slug == slug), None)

    @property
    def bars(self) -> list[dict]:
        """An SVG bar chart of requests per month, drawn on the server (no script, no CDN)."""
        totals = self.month_totals()
        peak = max((total for _m, total in totals), default=0) or 1
        width = CHART_WIDTH / len(totals)
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


def figures(period: Period, today: date) -> Figures:
    """The period's figures: requests received in it, and what became of them."""
    zone = localtime.zone()
    received = PrivacyRequest.objects.filter(**period.of("received_at"))
    result = Figures(period)
    for row in (
        received.annotate(month=ExtractMonth("received_at", tzinfo=zone))
        .values("month", "request_type")
        .annotate(n=Count("id"))
    ):
        result.per_month.setdefault(row["month"], Counter())[row["request_type"]] = row["n"]
    for row in received.values("country", "request_type").annotate(n=Count("id")):
        result.per_country.setdefault(str(row["country"]), Counter())[row["request_type"]] = row[
            "n"
        ]
    answered = received.filter(answered_at__isnull=False)
    days = sorted(
        (delta.total_seconds() / 86400)
        for delta in answered.annotate(took=F("answered_at") - F("received_at")).values_list(
            "took", flat=True
        )
    )
    result.answered = len(days)
    if days:
        result.median_days = round(statistics.median(days), 1)
        result.p95_days = round(percentile(days, 0.95), 1)
    result.answered_late = (
        answered.annotate(answered_on=TruncDate("answered_at", tzinfo=zone))
        .filter(answered_on__gt=F("due_on"))
        .count()
    )
    result.extended = received.filter(extended_at__isnull=False).count()
    result.open_overdue = received.filter(status__in=PENDING_ANSWER, due_on__lt=today).count()
    result.refusals = Counter(
        dict(
            received.exclude(refusal_reason="")
            .values_list("refusal_reason")
            .annotate(n=Count("id"))
        )
    )
    result.more = [section(period) for section in hooks.report_sections]
    return result


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
