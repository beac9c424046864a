"""The direction of the apps' dependencies: disputes build on requests, never the reverse."""

import ast
from pathlib import Path

from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
REQUESTS_APP = BASE_DIR / "requests_app"
REQUESTS_TEMPLATES = [BASE_DIR / "templates" / "requests", BASE_DIR / "templates" / "emails"]
REQUESTS_TEMPLATES.append(BASE_DIR / "templates" / "admin" / "requests_app")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_requests_app_imports_nothing_of_the_disputes_app():
    sources = [p for p in REQUESTS_APP.rglob("*.py") if "migrations" not in p.parts]

    importing = {
        str(path.relative_to(BASE_DIR)): sorted(
            name for name in imported_modules(path) if "disputes" in name
        )
        for path in sources
    }

    assert {path: names for path, names in importing.items() if names} == {}


def test_the_requests_templates_name_no_dispute_url_or_tag():
    # The e-mails about a dispute belong to the disputes app and are sent by it.
    dispute_emails = {"escalated", "officer_escalated", "body_case_file", "dispute_decided"}
    dispute_emails |= {"dispute_remedy_done", "officer_dispute_reminder"}
    found = []
    for folder in REQUESTS_TEMPLATES:
        for template in folder.rglob("*"):
            kind = template.name.split("_subject")[0].split(".")[0]
            if template.is_dir() or kind in dispute_emails:
                continue
            text = template.read_text(encoding="utf-8")
            if "disputes" in text or "escalate/" in text:
                found.append(str(template.relative_to(BASE_DIR)))

    assert found == []


def test_core_imports_nothing_of_the_disputes_app():
    sources = (BASE_DIR / "core").rglob("*.py")

    importing = {
        str(path.relative_to(BASE_DIR)): sorted(
            name for name in imported_modules(path) if "disputes" in name
        )
        for path in sources
    }

    assert {path: names for path, names in importing.items() if names} == {}
