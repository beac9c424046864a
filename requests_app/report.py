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
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    Q,
    QuerySet,
)
from django.db.models.functions import ExtractMonth, Round, TruncDate
from django.utils import timezone
from django.utils.translation import gettext
from django_countries import countries

from requests_app import hooks, localtime
from requests_app.models import PENDING_ANSWER, PrivacyRequest, RefusalReason, RequestType

CHART_WIDTH, CHART_HEIGHT, BAR_GAP = 600, 200, 6
# How long counted figures are shown before they are counted again; the beat recounts the
# likely periods more often than that (privacyportal/settings.py, CELERY_BEAT_SCHEDULE).
FRESH_FOR = timedelta(minutes=10)
GENERATION_KEY = "figures:generation"


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
    counted_at: datetime | None = None
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


class DaysBetween(Func):
    """Days from `earlier` to `later`, with their fraction, in the database."""

    output_field = FloatField()
    arity = 2

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="(julianday(%(expressions)s))",
            arg_joiner=") - julianday(",
            **extra_context,
        )

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="(EXTRACT(EPOCH FROM (%(expressions)s)) / 86400.0)",
            arg_joiner=" - ",
            **extra_context,
        )


def figures(period: Period, today: date) -> Figures:
    """The period's figures as counted at most FRESH_FOR ago (the beat counts the current
    and the last year and their quarters every few minutes, see `refresh`), with the tables
    other apps add counted now.

    A year of a million requests takes more than a second to count; the page and its CSV
    read the same counts, and say when they were made.
    """
    key = cache_key(period, today)
    result = cache.get(key)
    if result is None:
        result = count(period, today)
        cache.set(key, result, FRESH_FOR.total_seconds())
    result.more = [section(period) for section in hooks.report_sections]
    return result


def refresh(today: date) -> list[Period]:
    """Count the periods an officer most likely opens again now (the beat's task)."""
    periods = [
        Period(year, quarter)
        for year in (today.year, today.year - 1)
        for quarter in (None, 1, 2, 3, 4)
        if year < today.year or quarter is None or quarter <= (today.month + 2) // 3
    ]
    for period in periods:
        cache.set(cache_key(period, today), count(period, today), FRESH_FOR.total_seconds())
    return periods


def forget() -> None:
    """Count every period again at its next view (the officer's "count again now")."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 1, None)


def cache_key(period: Period, today: date) -> str:
    generation = cache.get(GENERATION_KEY, 0)
    return f"figures:{generation}:{period.year}:{period.quarter}:{today.isoformat()}"


def count(period: Period, today: date) -> Figures:
    """The period's figures, counted now: requests received in it, and what became of them.

    Two passes over the period's requests, each grouped in the database: the counts per
    month, type and country (with how many were extended, are overdue, were refused for each
    reason), and the answers' days to a tenth of a day (with late or not), from which the
    median and the 95th percentile are read. A year of a million requests is never loaded
    row by row.
    """
    zone = localtime.zone()
    received = PrivacyRequest.objects.filter(**period.of("received_at"))
    result = Figures(period)
    reasons = [value for value, _label in RefusalReason.choices]
    counts = (
        received.annotate(month=ExtractMonth("received_at", tzinfo=zone))
        .values("month", "request_type", "country")
        .annotate(
            n=Count("id"),
            extended=Count("id", filter=Q(extended_at__isnull=False)),
            overdue=Count("id", filter=Q(status__in=PENDING_ANSWER, due_on__lt=today)),
            **{
                f"refused_{index}": Count("id", filter=Q(refusal_reason=reason))
                for index, reason in enumerate(reasons)
            },
        )
        .order_by()
    )
    for row in counts:
        n, kind = row["n"], row["request_type"]
        result.per_month.setdefault(row["month"], Counter())[kind] += n
        result.per_country.setdefault(str(row["country"]), Counter())[kind] += n
        result.extended += row["extended"]
        result.open_overdue += row["overdue"]
        for index, reason in enumerate(reasons):
            if row[f"refused_{index}"]:
                result.refusals[reason] += row[f"refused_{index}"]
    answers = (
        received.filter(answered_at__isnull=False)
        .annotate(answered_on=TruncDate("answered_at", tzinfo=zone))
        .annotate(
            days=Round(DaysBetween("answered_at", "received_at"), 1),
            late=ExpressionWrapper(Q(answered_on__gt=F("due_on")), output_field=BooleanField()),
        )
        .values("days", "late")
        .annotate(n=Count("id"))
        .order_by()
    )
    histogram: Counter = Counter()
    for row in answers:
        histogram[round(row["days"], 1)] += row["n"]
        result.answered_late += row["n"] if row["late"] else 0
    result.answered = sum(histogram.values())
    if result.answered:
        ordered = sorted(histogram.items())
        result.median_days = round(median(ordered), 1)
        result.p95_days = round(percentile(ordered, 0.95), 1)
    result.counted_at = timezone.now()
    return result


def percentile(counted: list[tuple[float, int]], share: float) -> float:
    """Nearest-rank percentile of ordered (value, how many) pairs."""
    rank = max(1, math.ceil(share * sum(n for _value, n in counted)))
    seen = 0
    for value, n in counted:
        seen += n
        if seen >= rank:
            return value
    return counted[-1][0]


def median(counted: list[tuple[float, int]]) -> float:
    """The median of ordered (value, how many) pairs: the middle one, or the mean of two."""
    total = sum(n for _value, n in counted)
    middle = [(total + 1) // 2, total // 2 + 1]
    values, seen = [], 0
    for value, n in counted:
        seen += n
        while middle and seen >= middle[0]:
            values.append(value)
            middle.pop(0)
    return sum(values) / len(values)


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
