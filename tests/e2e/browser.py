"""What the browser tests share: Chromium's settings, journeys with screenshots, axe-core."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

from django.core import mail
from django_otp.oath import totp

from requests_app import outbox
from requests_app.models import OutboxEmail

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).parent / "screenshots"
# A step that hangs fails after this long instead of holding the run.
TIMEOUT_MS = 15_000

# The portal's languages and the browser locale for each: Playwright sends it as
# Accept-Language, which the portal's LocaleMiddleware follows.
# Each language of the portal, with the browser locale of a country that speaks it.
LOCALES = {
    "bg": "bg-BG",
    "cs": "cs-CZ",
    "da": "da-DK",
    "de": "de-DE",
    "el": "el-GR",
    "en": "en-GB",
    "es": "es-ES",
    "et": "et-EE",
    "fi": "fi-FI",
    "fr": "fr-FR",
    "ga": "ga-IE",
    "hr": "hr-HR",
    "hu": "hu-HU",
    "is": "is-IS",
    "it": "it-IT",
    "lt": "lt-LT",
    "lv": "lv-LV",
    "mt": "mt-MT",
    "nb": "nb-NO",
    "nl": "nl-NL",
    "pl": "pl-PL",
    "pt": "pt-PT",
    "ro": "ro-RO",
    "sk": "sk-SK",
    "sl": "sl-SI",
    "sv": "sv-SE",
}

# WCAG 2.0, 2.1 and 2.2 at levels A and AA, and axe's best practices.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"]
FAILING_IMPACTS = {"serious", "critical"}
# Deque's axe.min.js as shipped in the pinned PyPI package axe-playwright-python
# (requirements-dev.txt): only the file is used, not the package's Python code.
AXE_SOURCE = (resources.files("axe_playwright_python") / "axe.min.js").read_text(encoding="utf-8")
# The site's CSP allows scripts from 'self' only, so axe injected as an inline <script>
# (add_script_tag(content=...)) would be blocked unless the context ran with bypass_csp=True.
# Instead, each browser context answers this same-origin path with axe's source from memory
# (context.route) and axe is added as <script src>: the pages keep their real CSP throughout,
# for the journeys and the axe runs alike, and nothing is added to the app.
AXE_PATH = "/__e2e__/axe.min.js"

# Every axe violation of the run, whatever its impact, and the pages checked: the conftest
# prints them at the end of the run.
FINDINGS: list[dict] = []
CHECKED: list[str] = []


MAIN_FORM_SUBMIT = "#main form button[type=submit]"
ADMIN_SUBMIT = "#content-main form input[type=submit]:not([name=otp_challenge])"


def navigate(page, action: Callable[[], object], status: int = 200):
    """Do what leads to a new page (a click, a key) and wait for it: after any redirects, the
    page must come with `status`. A refused POST (403, 500) fails here, saying why."""
    with page.expect_navigation() as navigation:
        action()
    response = navigation.value
    if response.status != status:
        text = " ".join((page.text_content("body") or "").split())[:300]
        raise AssertionError(
            f"{response.request.method} {response.url} answered {response.status} "
            f"instead of {status}: {text}"
        )
    return response


def submit(page, selector: str = MAIN_FORM_SUBMIT, status: int = 200):
    """Press a form's button and wait for the page that answers."""
    return navigate(page, lambda: page.click(selector), status)


def serve_axe(route) -> None:
    route.fulfill(status=200, content_type="application/javascript", body=AXE_SOURCE)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


class Journey:
    """Numbered steps; each ends with a full-page screenshot named by journey and step.

    A failing step saves a screenshot marked FAILED and adds the page it was on to the error.
    """

    def __init__(self, name: str) -> None:
        self.name = slug(name)
        self.number = 0
        SCREENSHOTS.mkdir(exist_ok=True)
        for old in SCREENSHOTS.glob(f"{self.name}-*.png"):
            old.unlink()

    @contextmanager
    def step(self, page, label: str) -> Iterator[None]:
        self.number += 1
        stem = f"{self.name}-{self.number:02d}-{slug(label)}"
        try:
            yield
        except Exception as error:
            shot = screenshot(page, f"{stem}-FAILED")
            error.add_note(
                f"journey {self.name!r}, step {self.number} {label!r}, on {where(page)}; "
                f"screenshot: {shot}"
            )
            raise
        screenshot(page, stem)


def screenshot(page, stem: str) -> Path | None:
    path = SCREENSHOTS / f"{stem}.png"
    try:
        page.screenshot(path=path, full_page=True)
    except Exception:
        return None
    return path


def where(page) -> str:
    try:
        return f"{page.url} (title {page.title()!r})"
    except Exception:
        return "a page that can no longer be read"


def axe_violations(page, label: str, public: bool = True) -> list[dict]:
    """Run axe-core on the page as it is now; each violation also goes to FINDINGS.

    `public`: a page of the portal, not of the admin (where findings are only reported)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(url=AXE_PATH)
    results = page.evaluate(
        """tags => axe.run(document, {
            runOnly: {type: "tag", values: tags},
            resultTypes: ["violations"],
        })""",
        AXE_TAGS,
    )
    lang = page.evaluate("() => document.documentElement.lang")
    CHECKED.append(f"{label} [{lang}]")
    found = [
        {
            "page": label,
            "public": public,
            "url": page.url,
            "lang": lang,
            "rule": violation["id"],
            "impact": violation["impact"],
            "tags": [tag for tag in violation["tags"] if tag.startswith(("wcag", "best"))],
            "help": violation["help"],
            "nodes": [
                {"target": node["target"], "html": node["html"], "why": node["failureSummary"]}
                for node in violation["nodes"]
            ],
        }
        for violation in results["violations"]
    ]
    FINDINGS.extend(found)
    return found


def describe(findings: list[dict]) -> str:
    lines = []
    for finding in findings:
        lines.append(
            f"- {finding['rule']} ({finding['impact']}; {', '.join(finding['tags'])}) "
            f"on {finding['page']} [{finding['lang']}] {finding['url']}: {finding['help']}"
        )
        for node in finding["nodes"][:5]:
            target = " ".join(map(str, node["target"]))
            lines.append(f"    {target}: {node['html'][:200]}")
    return "\n".join(lines)


def link_in_email(privacy_request, kind: str, path: str) -> str:
    """The token of the /requests/<path>/<token>/ link in the request's latest `kind` e-mail.

    A row not sent yet is rendered with outbox.render. But the live server commits, so with
    Celery eager it sends each e-mail at once, and a sent row keeps no context (its links are
    secrets): a sent row is read as delivered, from Django's test mailbox, by its Message-ID.
    """
    email = OutboxEmail.objects.filter(request=privacy_request, kind=kind).latest(
        "created_at", "pk"
    )
    if email.state == OutboxEmail.State.SENT:
        delivered = [m for m in mail.outbox if m.extra_headers["Message-ID"] == email.message_id]
        assert delivered, f"the {kind} e-mail is marked sent but is not in the test mailbox"
        text = delivered[-1].body
    else:
        text = outbox.render(email).text
    match = re.search(rf"/requests/{path}/([A-Za-z0-9_-]+)/", text)
    assert match, f"no /requests/{path}/ link in the {kind} e-mail:\n{text}"
    return match.group(1)


def totp_code(device) -> str:
    """The code the officer's authenticator app shows now."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def sign_in_to_admin(page, username: str, password: str, device) -> None:
    """The officer's two steps into the admin: the password, then the device and its code."""
    page.goto("/admin/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    submit(page, ADMIN_SUBMIT)
    page.select_option("select[name=otp_device]", device.persistent_id)
    page.fill("input[name=password]", password)
    page.fill("input[name=otp_token]", totp_code(device))
    submit(page, ADMIN_SUBMIT)
