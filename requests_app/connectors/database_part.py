"""A database system's part of a run: collect into the private storage, count, or erase."""

from __future__ import annotations

from django.conf import settings

from requests_app.connectors import database
from requests_app.connectors.base import ConnectorError, Outcome
from requests_app.connectors.results import results_of
from requests_app.models import VariableNotSet
from requests_app.models.runs import RunPart, SystemRun


def run(part: RunPart) -> Outcome:
    system, run_ = part.system, part.run
    try:
        url = system.database_url()
    except VariableNotSet as error:
        raise ConnectorError(str(error)) from None
    tables = system.table_specs
    timeout = settings.CONNECTOR_STATEMENT_TIMEOUT
    email = run_.request.email
    if run_.action == SystemRun.Action.ERASURE:
        counts = database.erase(url, tables, email, dry_run=run_.dry_run, timeout=timeout)
        return Outcome(counts=counts)
    # Every row, one JSON line each, streamed to the part's file.
    with results_of(part) as results:
        counts = database.collect(
            url,
            tables,
            email,
            row_limit=settings.CONNECTOR_ROW_LIMIT,
            timeout=timeout,
            write_row=results.write,
        )
    return Outcome(counts=counts, preview=results.preview, result_path=results.path)
