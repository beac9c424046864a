"""`manage.py run_systems REFERENCE {access,erasure} [--dry-run]`: one line per system."""

from __future__ import annotations

import sqlite3
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from requests_app.models import RequestEvent, SystemRun


def run_systems(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("run_systems", *args, "--timeout", "5", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db(transaction=True)
def test_an_access_run_prints_each_system_its_state_and_rows(shop_system, confirmed):
    out, _err = run_systems(confirmed.reference, "access")

    (line,) = out.splitlines()
    name, state, rows = line.rsplit(" ", 2)
    assert (name, state) == ("Shop database", "done")
    assert int(rows) == SystemRun.objects.get().parts.get().rows > 0
    assert SystemRun.objects.get().started_by is None


@pytest.mark.django_db(transaction=True)
def test_an_erasure_without_dry_run_is_the_approval(shop_system, confirmed):
    out, _err = run_systems(confirmed.reference, "erasure", "--dry-run")
    assert out.startswith("Shop database done ")
    with sqlite3.connect(shop_system) as db:
        assert db.execute(
            "select count(*) from customers where email = 'demo@example.org'"
        ).fetchone() == (1,)

    run_systems(confirmed.reference.lower(), "erasure")

    with sqlite3.connect(shop_system) as db:
        assert db.execute(
            "select count(*) from customers where email = 'demo@example.org'"
        ).fetchone() == (0,)
    assert confirmed.events.filter(kind=RequestEvent.Kind.DATA_ERASED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_failed_system_exits_non_zero_with_its_error(shop_system, confirmed, monkeypatch):
    monkeypatch.delenv("SHOP_DATABASE_URL")
    out, err = StringIO(), StringIO()

    with pytest.raises(CommandError, match="failed"):
        call_command("run_systems", confirmed.reference, "access", stdout=out, stderr=err)

    assert out.getvalue() == "Shop database failed -\n"
    assert "SHOP_DATABASE_URL" in err.getvalue()


@pytest.mark.django_db
def test_an_unknown_reference_or_an_unconfirmed_address_is_a_clear_error(shop_system):
    with pytest.raises(CommandError, match="no request DSR-2000-000001"):
        run_systems("DSR-2000-000001", "access")
