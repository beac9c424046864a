"""Every variable the portal reads is listed in .env.example and docs/DEPLOY.md, and no other."""

import ast
import re
from pathlib import Path

from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)


def read_by_settings() -> set[str]:
    """The names privacyportal/settings.py reads with django-environ (`env.int("NAME", ...)`)."""
    tree = ast.parse((BASE_DIR / "privacyportal" / "settings.py").read_text(encoding="utf-8"))
    return {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "env"
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    }


def read_by_gunicorn() -> set[str]:
    text = (BASE_DIR / "gunicorn.conf.py").read_text(encoding="utf-8")
    return set(re.findall(r"os\.environ\.get\(\s*['\"]([A-Z_0-9]+)['\"]", text))


def listed_in_env_example() -> set[str]:
    text = (BASE_DIR / ".env.example").read_text(encoding="utf-8")
    return set(re.findall(r"^# ([A-Z][A-Z_0-9]+)=", text, flags=re.MULTILINE))


def listed_in_deploy() -> set[str]:
    text = (BASE_DIR / "docs" / "DEPLOY.md").read_text(encoding="utf-8")
    every_variable = text.split("\n## Every variable\n", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([A-Z][A-Z_0-9]+)` \|", every_variable, flags=re.MULTILINE))


def test_the_settings_read_some_variables_and_gunicorn_others():
    assert {"SECRET_KEY", "DATABASE_URL", "RECOURSE_BODY_EMAIL"} <= read_by_settings()
    assert {"PORT", "FORWARDED_ALLOW_IPS"} <= read_by_gunicorn()


def test_env_example_lists_exactly_the_variables_the_portal_reads():
    assert listed_in_env_example() == read_by_settings() | read_by_gunicorn()


def test_deploys_table_of_every_variable_lists_exactly_the_variables_the_portal_reads():
    assert listed_in_deploy() == read_by_settings() | read_by_gunicorn()
