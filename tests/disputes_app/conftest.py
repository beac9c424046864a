"""Every case file a disputes test makes is checked against its published schema."""

from __future__ import annotations

import pytest

from tests.disputes_app.schema import validated


@pytest.fixture(autouse=True)
def every_case_file_matches_the_schema(request):
    yield
    if request.node.get_closest_marker("django_db") is None and "db" not in request.fixturenames:
        return  # a test of the pure rendering: no database, no stored case files
    from disputes_app.models import CaseFile

    for case_file in CaseFile.objects.all():
        validated(case_file)
