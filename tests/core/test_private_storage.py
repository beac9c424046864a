"""Files of answers and case files are readable by the portal's own user alone."""

import os
import stat
from pathlib import Path

import pytest
from django.core.files.base import ContentFile

from requests_app.models import private_storage


@pytest.fixture
def usual_umask():
    """The umask most systems start processes with, under which a plain save is 0644."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_saved_file_is_0600_and_its_folders_0700(settings, usual_umask):
    name = private_storage().save("answers/2026/03/export.json", ContentFile(b"{}"))

    saved = Path(private_storage().path(name))
    assert mode(saved) == 0o600
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    folders = [root, *(root / part for part in ["answers", "answers/2026", "answers/2026/03"])]
    assert [oct(mode(folder)) for folder in folders] == [oct(0o700)] * 4
