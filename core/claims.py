"""Claiming a row of work (an e-mail, a webhook delivery, a connector's part) for one worker.

A conditional UPDATE moves the row from a waiting state (or a taken one whose lease ran out)
to taken, with a new lease, and counts the attempt: of two workers that try at once, one
updates the row and the other finds nothing to update.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.db import models
from django.db.models import F
from django.utils import timezone


def claim_row(
    model: type[models.Model],
    pk: int,
    *,
    ready: Iterable[str],
    taken: str,
    lease: timedelta,
    now: datetime | None = None,
    **fields: Any,
) -> bool:
    """Take the row if it is in one of `ready` (the taken state included: a lapsed lease) and
    due; True when this call took it. `fields` are written with the claim."""
    now = now or timezone.now()
    claimed = model._default_manager.filter(
        pk=pk, state__in=list(ready), next_attempt_at__lte=now
    ).update(state=taken, next_attempt_at=now + lease, attempts=F("attempts") + 1, **fields)
    return claimed == 1
