"""The organisation's calendar day: the one "today" of the clock, the admin and escalation.

Due dates are calendar days in ORGANISATION_TIME_ZONE (docs/DEADLINES.md). Every comparison
of a stored date with "today", and every "received today" or "in 2026", is taken in that zone
too, never in UTC or the server's zone, or a request could be late in one place and not in
another.
"""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, time

from django.conf import settings
from django.utils import timezone


def zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.ORGANISATION_TIME_ZONE)


def local_date(moment: datetime) -> date:
    """The calendar day of `moment` in the organisation's time zone."""
    return moment.astimezone(zone()).date()


def today() -> date:
    return local_date(timezone.now())


def start_of(day: date) -> datetime:
    """The first moment of `day` in the organisation's time zone (aware)."""
    return datetime.combine(day, time.min, tzinfo=zone())


def in_year(field: str, year: int) -> dict[str, datetime]:
    """Filter arguments for a moment `field` that falls in the organisation's `year`."""
    return {
        f"{field}__gte": start_of(date(year, 1, 1)),
        f"{field}__lt": start_of(date(year + 1, 1, 1)),
    }
