"""`manage.py demo_shop`: the demo shop database and its map, as `make run` makes them."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from requests_app import runs
from requests_app.models import DataSystem, SystemRun


def demo_shop() -> str:
    out = StringIO()
    call_command("demo_shop", stdout=out, stderr=StringIO())
    return out.getvalue()


def test_it_creates_the_shop_once_and_loads_its_checked_map(db, tmp_path, monkeypatch):
    path = tmp_path / "var" / "demo-shop.sqlite3"
    monkeypatch.setenv("DEMO_SHOP_DATABASE_URL", f"sqlite:///{path}")

    first = demo_shop()
    made = path.stat().st_mtime_ns
    second = demo_shop()

    assert f"created the demo shop {path}" in first
    assert "created the demo shop" not in second
    assert path.stat().st_mtime_ns == made
    system = DataSystem.objects.get(name="Demo shop")
    assert (system.connector, system.url_is_set) == ("database", True)
    assert [table.name for table in system.table_specs] == [
        "customers",
        "orders",
        "invoices",
        "newsletter",
    ]


def test_a_request_by_the_demo_customer_finds_its_data(
    db, tmp_path, monkeypatch, confirmed, officer, django_capture_on_commit_callbacks
):
    monkeypatch.setenv("DEMO_SHOP_DATABASE_URL", f"sqlite:///{tmp_path / 'shop.sqlite3'}")
    demo_shop()

    with django_capture_on_commit_callbacks(execute=True):
        run = runs.start(confirmed, SystemRun.Action.ACCESS, officer)

    part = run.parts.get()
    assert part.state == "done"
    assert {count["table"] for count in part.counts if count["rows"]} == {
        "customers",
        "orders",
        "invoices",
        "newsletter",
    }


@pytest.mark.parametrize("url", ["", "postgresql://postgres@127.0.0.1/shop"])
def test_it_needs_a_sqlite_file_named(db, monkeypatch, url):
    monkeypatch.setenv("DEMO_SHOP_DATABASE_URL", url)
    with pytest.raises(CommandError, match="DEMO_SHOP_DATABASE_URL"):
        demo_shop()
