"""Where other apps plug into requests: one registry, so that requests_app imports none of them.

An app that builds on requests (one that escalates them to a recourse body, say) registers its
pieces in its `AppConfig.ready()`:

- `status_panels`: `panel(http_request, privacy_request, token) -> SafeString`, a section of
  the requester's private status page;
- `sweeps`: `sweep(now) -> list[Queued]`, a reminder sweep run with the requests' own, by beat
  and by `manage.py send_reminders` (requests_app registers its officers' digest here too);
- `dashboard_sections`: `section(http_request) -> SafeString`, a section of the officer's
  dashboard, shown to staff who may see it (the section decides);
- `report_sections`: `section(period) -> report.Table`, a table of the figures for a year or
  a quarter (`report.Period`), shown and downloadable as CSV with the requests' own;
- `escalation`: `url(token) -> str`, the page where a requester takes a late or unsatisfying
  answer further; the late notice links to it when one is registered;
- `recourse_body`: `name() -> str | None`, the body that page takes them to, named on the home
  page when one is registered (and it has a name);
- `email_kinds`: `kinds() -> list[email_kinds.EmailKind]`, the e-mails it sends through the
  outbox with the variables each one gets, so that the officer can write their texts;
- `answered`, `withdrawn`: `after(privacy_request) -> None`, run inside the transaction that
  answered (or refused) the request, or in which the requester withdrew it: a dispute already
  filed about it records what happened.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.safestring import SafeString

Panel = Callable[[Any, Any, str], SafeString]
Sweep = Callable[[Any], list]
DashboardSection = Callable[[Any], SafeString]
ReportSection = Callable[[Any], Any]
EscalationUrl = Callable[[str], str]
RecourseBodyName = Callable[[], str | None]
EmailKinds = Callable[[], list]
After = Callable[[Any], None]

status_panels: list[Panel] = []
sweeps: list[Sweep] = []
dashboard_sections: list[DashboardSection] = []
report_sections: list[ReportSection] = []
escalation: list[EscalationUrl] = []
recourse_body: list[RecourseBodyName] = []
email_kinds: list[EmailKinds] = []
answered: list[After] = []
withdrawn: list[After] = []


def register(hooks: list, hook: Callable) -> Callable:
    """Add `hook` to one of the lists above, once (ready() may run twice in tests)."""
    if hook not in hooks:
        hooks.append(hook)
    return hook


def escalation_url(token: str) -> str | None:
    """Where the requester with this status token may escalate, if an app offers it."""
    return escalation[0](token) if escalation else None


def recourse_body_name() -> str | None:
    """The recourse body the home page names, if an app offers one."""
    return recourse_body[0]() if recourse_body else None
