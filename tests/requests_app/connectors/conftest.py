"""A map file and a real SQLite shop database for the connectors' tests."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.requests_app.connectors.datamap_files import EXAMPLE_MAP, SHOP_SCHEMA


@pytest.fixture
def map_file(tmp_path) -> Path:
    path = tmp_path / "datamap.yaml"
    path.write_text(EXAMPLE_MAP, encoding="utf-8")
    return path


@pytest.fixture
def shop_database(tmp_path) -> str:
    """The URL of an SQLite file with every table and column EXAMPLE_MAP names."""
    path = tmp_path / "shop.sqlite3"
    with sqlite3.connect(path) as connection:
        connection.executescript(SHOP_SCHEMA)
    connection.close()
    return f"sqlite:///{path}"
