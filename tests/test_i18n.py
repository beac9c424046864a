"""The portal in the 24 official languages of the EU, Icelandic and Norwegian (Django's i18n).

These tests need no gettext tools: they read the templates, the Python sources, the ``.po``
catalogues and the compiled ``.mo`` files directly.

- every visible string of a public or e-mail template is marked for translation;
- every catalogue is complete (no empty, partial or fuzzy entry), its placeholders, template
  tags and HTML tags match the source, and ``msgfmt --check-format`` accepts it;
- every string the templates and the Python code mark is in every catalogue, and the compiled
  ``.mo`` files say what the ``.po`` files say (``compilemessages`` was run);
(The pages and e-mails in each language: test_i18n_pages.py.)

After changing a marked string: ``python manage.py makemessages --all --ignore=.venv
--ignore=bench --ignore=tests --ignore=staticfiles --ignore=var``, translate, then ``python
manage.py compilemessages --ignore=.venv`` (README: "Translations").
"""

from __future__ import annotations

import ast
import gettext
import html
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.utils.translation.template import templatize

BASE_DIR = Path(settings.BASE_DIR)
TEMPLATES = BASE_DIR / "templates"
LOCALE = BASE_DIR / "locale"
TRANSLATED = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
# The packages makemessages reads: every top-level one but those the command ignores.
NOT_EXTRACTED = {"tests", "bench", "var", "staticfiles", ".venv"}
PYTHON_PACKAGES = sorted(
    path.name
    for path in BASE_DIR.iterdir()
    if (path / "__init__.py").exists() and path.name not in NOT_EXTRACTED
)


# ---------------------------------------------------------------- (a) templates are marked

# The public and e-mail templates; the back office (templates/admin) is staff-only.
PUBLIC_TEMPLATES = sorted(
    path
    for path in TEMPLATES.rglob("*")
    if path.suffix in {".html", ".txt"} and "admin" not in path.relative_to(TEMPLATES).parts
)

COMMENT_BLOCK = re.compile(r"{%\s*comment\b.*?%}.*?{%\s*endcomment\s*%}", re.S)
BLOCK_TRANSLATE = re.compile(
    r"{%\s*blocktrans(?:late)?\b.*?%}.*?{%\s*endblocktrans(?:late)?\s*%}", re.S
)
TEMPLATE_SYNTAX = re.compile(r"{%.*?%}|{{.*?}}|{#.*?#}", re.S)
HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
HTML_TAG = re.compile(r"<[^>]*>")
# Attributes a person reads or hears (tooltips, alternatives, accessible names, buttons).
VISIBLE_ATTRIBUTE = re.compile(r'\s(?:alt|title|placeholder|aria-label)\s*=\s*"([^"]*)"')
BUTTON_VALUE = re.compile(
    r'<input\b[^>]*\btype="(?:submit|button|reset)"[^>]*\bvalue="([^"]*)"|'
    r'<input\b[^>]*\bvalue="([^"]*)"[^>]*\btype="(?:submit|button|reset)"'
)
URL = re.compile(r"\b(?:https?://|mailto:)\S+")
LETTER = re.compile(r"[^\W\d_]")


def unmarked_text(source: str) -> list[str]:
    """The pieces of visible text left once the marked strings and the markup are gone."""
    source = COMMENT_BLOCK.sub(" ", source)
    source = BLOCK_TRANSLATE.sub(" ", source)
    source = TEMPLATE_SYNTAX.sub(" ", source)
    source = HTML_COMMENT.sub(" ", source)
    pieces = [value for match in VISIBLE_ATTRIBUTE.finditer(source) for value in match.groups()]
    pieces += [
        value for match in BUTTON_VALUE.finditer(source) for value in match.groups() if value
    ]
    pieces += HTML_TAG.split(source)
    found = []
    for piece in pieces:
        text = URL.sub(" ", html.unescape(piece))
        if LETTER.search(text):
            found.append(" ".join(text.split()))
    return found


def test_the_template_check_finds_unmarked_text_and_accepts_marked_text():
    assert unmarked_text("<p>Hello</p>") == ["Hello"]
    assert unmarked_text('<nav aria-label="Main"></nav>') == ["Main"]
    assert unmarked_text('<input type="submit" value="Send">') == ["Send"]
    assert unmarked_text('{% load i18n %}{% translate "Hi" as hi %}{{ hi }}: plain {{ x }}') == [
        ": plain"
    ]
    marked = (
        "{% load i18n %}<nav aria-label=\"{% translate 'Main' %}\">"
        "<p>{% translate 'Hello' %} · – : ({{ name }}) {{ url }}</p>"
        "{% blocktranslate count n=n %}{{ n }} day{% plural %}{{ n }} days{% endblocktranslate %}"
        '<a href="https://example.com/x">https://example.com/x</a> mailto:a@example.com'
        "{# a note #}{% comment %}Anything{% endcomment %}<!-- a comment -->&nbsp;&middot;</nav>"
    )
    assert unmarked_text(marked) == []


def test_there_are_public_and_email_templates_to_check():
    names = {path.relative_to(TEMPLATES).as_posix() for path in PUBLIC_TEMPLATES}
    assert {"base.html", "requests/home.html", "emails/confirm_address.txt"} <= names
    assert not any(name.startswith("admin/") for name in names)


@pytest.mark.parametrize(
    "template", PUBLIC_TEMPLATES, ids=lambda path: path.relative_to(TEMPLATES).as_posix()
)
def test_every_visible_string_of_a_template_is_marked_for_translation(template):
    assert unmarked_text(template.read_text(encoding="utf-8")) == [], (
        "wrap this text in {% translate %} or {% blocktranslate %}"
    )


# ---------------------------------------------------------------- (b) catalogues are complete


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: str = ""
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)


def _unquote(text: str) -> str:
    return ast.literal_eval(text)


def read_po(path: Path) -> tuple[dict[str, str], list[Entry]]:
    """The header and the entries of a .po file (the subset of the format gettext writes)."""
    entries: list[Entry] = []
    entry = Entry()
    target: tuple[str, int | None] | None = None
    started = False

    def finish() -> None:
        nonlocal entry, started, target
        if started:
            entries.append(entry)
        entry, started, target = Entry(), False, None

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            entry.obsolete = True
            line = line[2:].strip()
            if not line or line.startswith(("#", "|")):
                continue
        elif line.startswith("#,"):
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        elif line.startswith("#"):
            continue
        keyword, _space, rest = line.partition(" ")
        if line.startswith('"'):
            assert target is not None, f"{path}: text outside an entry: {raw!r}"
            name, index = target
            value = _unquote(line)
        else:
            match = re.fullmatch(r"(msgctxt|msgid|msgid_plural|msgstr)(?:\[(\d+)\])?", keyword)
            assert match, f"{path}: unexpected line {raw!r}"
            name, index = match[1], int(match[2]) if match[2] is not None else None
            target, started = (name, index), True
            value = _unquote(rest)
            if name == "msgctxt":
                entry.msgctxt = ""
            elif name == "msgid_plural":
                entry.msgid_plural = ""
            if index is not None:
                entry.msgstr_plural.setdefault(index, "")
        if name == "msgstr" and index is not None:
            entry.msgstr_plural[index] += value
        elif name == "msgctxt":
            entry.msgctxt += value
        elif name == "msgid_plural":
            entry.msgid_plural += value
        else:
            setattr(entry, name, getattr(entry, name) + value)
    finish()

    headers = [e for e in entries if e.msgid == "" and e.msgctxt is None and not e.obsolete]
    assert len(headers) == 1, f"{path}: no header entry"
    header = dict(line.split(":", 1) for line in headers[0].msgstr.splitlines() if ":" in line)
    header = {key.strip(): value.strip() for key, value in header.items()}
    if "fuzzy" in headers[0].flags:
        header["#fuzzy"] = "yes"
    return header, [e for e in entries if e is not headers[0] and not e.obsolete]


def po_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / "django.po"


def catalogue(language: str) -> list[Entry]:
    return read_po(po_path(language))[1]


PLACEHOLDER = re.compile(
    r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]|<[^>]+>|{{.*?}}|{%.*?%}|{#.*?#}"
)


def placeholders(text: str) -> list[str]:
    """Python-format placeholders, template tags and variables, and HTML tags, which a
    translation must keep as they are."""
    return sorted(PLACEHOLDER.findall(text))


def test_the_po_reader_reads_contexts_plurals_flags_and_obsolete_entries(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: de\\n"\n'
        '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n\n'
        '#: a.py:1\n#, fuzzy, python-format\nmsgctxt "start"\nmsgid "from %(x)s"\n'
        'msgstr ""\n"vom "\n"%(x)s"\n\n'
        'msgid "%d day"\nmsgid_plural "%d days"\nmsgstr[0] "%d Tag"\nmsgstr[1] ""\n\n'
        '#~ msgid "gone"\n#~ msgstr "weg"\n',
        encoding="utf-8",
    )
    header, entries = read_po(po)

    assert header["Language"] == "de"
    first, second = entries
    assert first.key == ("start", "from %(x)s") and first.msgstr == "vom %(x)s"
    assert first.flags == {"fuzzy", "python-format"}
    assert second.msgid_plural == "%d days" and second.msgstr_plural == {0: "%d Tag", 1: ""}


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_catalogue_header_names_its_language_and_plural_forms(language):
    header, _entries = read_po(po_path(language))

    assert header.get("Language") == language
    assert re.match(r"nplurals=\d+;\s*plural=", header.get("Plural-Forms", ""))
    assert "charset=UTF-8" in header.get("Content-Type", "")
    assert "#fuzzy" not in header, "the header is still marked fuzzy"


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_catalogue_entry_is_translated_and_none_is_fuzzy(language):
    header, entries = read_po(po_path(language))
    nplurals = int(re.match(r"nplurals=(\d+)", header["Plural-Forms"])[1])

    assert entries
    problems = []
    for entry in entries:
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {entry.msgid!r}")
        if entry.msgid_plural is None:
            if not entry.msgstr.strip():
                problems.append(f"untranslated: {entry.msgid!r}")
        elif sorted(entry.msgstr_plural) != list(range(nplurals)) or not all(
            form.strip() for form in entry.msgstr_plural.values()
        ):
            problems.append(f"plural forms incomplete: {entry.msgid!r}")
    assert problems == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_the_placeholders_and_markup(language):
    problems = []
    for entry in catalogue(language):
        if entry.msgid_plural is None:
            pairs = [(entry.msgid, entry.msgstr)]
        else:
            pairs = [(entry.msgid, entry.msgstr_plural[0])]
            pairs += [(entry.msgid_plural, form) for i, form in entry.msgstr_plural.items() if i]
        for source, translated in pairs:
            if placeholders(source) != placeholders(translated):
                problems.append(f"{source!r} -> {translated!r}")
    assert problems == []


def test_the_placeholder_check_sees_names_tags_and_template_syntax():
    source = 'Due on %(date)s: <a href="%(url)s">see {{ request.reference }}</a>'

    assert placeholders(source) == placeholders(
        'Fällig am %(date)s: <a href="%(url)s">{{ request.reference }} ansehen</a>'
    )
    assert placeholders(source) != placeholders(
        'Fällig am %(datum)s: <a href="%(url)s">{{ request.reference }} ansehen</a>'
    )
    assert placeholders(source) != placeholders('Fällig am %(date)s: <a href="%(url)s">x</a>')
    assert placeholders(source) != placeholders(
        'Fällig am %(date)s: <a href="%(link)s">{{ request.reference }}</a>'
    )
    assert placeholders("%d days") != placeholders("%s Tage")


@pytest.mark.parametrize("language", TRANSLATED)
def test_gettext_accepts_the_catalogue_and_its_formats(language):
    """GNU msgfmt's own check: each python-format string's conversions, and the header."""
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "GNU gettext's msgfmt is needed (compilemessages uses it too)"

    result = subprocess.run(
        [msgfmt, "--check-format", "--check-header", "-o", "/dev/null", str(po_path(language))],
        capture_output=True,
        text=True,
    )

    assert result.returncode == 0, result.stderr


def test_the_catalogues_have_the_same_entries():
    keys = {language: {entry.key for entry in catalogue(language)} for language in TRANSLATED}

    for language in TRANSLATED[1:]:
        assert keys[language] == keys[TRANSLATED[0]], language


# ---------------------------------------------------------------- (c) nothing is missing


def template_messages() -> set[tuple[str | None, str]]:
    """What makemessages takes from the templates: Django's templatize does the same step."""
    call = re.compile(r"\b(gettext|pgettext|ngettext|npgettext)\(")
    literal = r"""u?(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""
    arguments = re.compile(rf"\s*{literal}(?:\s*,\s*{literal})*")
    found = set()
    for path in TEMPLATES.rglob("*"):
        if path.suffix not in {".html", ".txt"}:
            continue
        code = templatize(path.read_text(encoding="utf-8"), origin=str(path))
        for match in call.finditer(code):
            args = ast.literal_eval("(" + arguments.match(code, match.end())[0] + ",)")
            if match[1].startswith(("pgettext", "npgettext")):
                found.add((args[0], args[1]))
            else:
                found.add((None, args[0]))
    return found


# The keywords Django's makemessages gives xgettext: name -> (context argument, message argument).
PYTHON_KEYWORDS = {
    "_": (None, 0),
    "gettext": (None, 0),
    "gettext_lazy": (None, 0),
    "gettext_noop": (None, 0),
    "ngettext": (None, 0),
    "ngettext_lazy": (None, 0),
    "pgettext": (0, 1),
    "pgettext_lazy": (0, 1),
    "npgettext": (0, 1),
    "npgettext_lazy": (0, 1),
}


def python_messages() -> set[tuple[str | None, str]]:
    found = set()
    for package in PYTHON_PACKAGES:
        for path in (BASE_DIR / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call):
                    continue
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name not in PYTHON_KEYWORDS:
                    continue
                context, message = PYTHON_KEYWORDS[name]
                args = [a.value if isinstance(a, ast.Constant) else None for a in node.args]
                if len(args) > message and isinstance(args[message], str):
                    ctx = args[context] if context is not None else None
                    found.add((ctx, args[message]))
    return found


def test_the_extraction_finds_the_strings_of_templates_and_code():
    templates, code = template_messages(), python_messages()

    assert (None, "Skip to the content") in templates
    assert ("a task not done yet", "open") in templates
    assert (None, "%(name)s: privacy requests") in templates
    assert (None, "A complaint: %(days)s day.") in templates
    assert (None, "Enter your full name.") in code
    assert (None, "Access: a copy of my data and how it is used") in code


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_marked_string_is_in_the_catalogue(language):
    keys = {entry.key for entry in catalogue(language)}

    assert sorted(template_messages() - keys, key=str) == [], "run makemessages and translate"
    assert sorted(python_messages() - keys, key=str) == [], "run makemessages and translate"


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_catalogue_holds_no_string_the_code_no_longer_marks(language):
    stale = {entry.key for entry in catalogue(language)} - template_messages() - python_messages()

    assert sorted(stale, key=str) == [], "run makemessages: these strings are gone from the code"


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_compiled_catalogue_matches_the_po_file(language):
    mo = po_path(language).with_suffix(".mo")
    assert mo.exists(), "run compilemessages and commit the .mo file"
    with mo.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)

    stale = []
    for entry in catalogue(language):
        if entry.msgid_plural is None:
            if entry.msgctxt is None:
                got = compiled.gettext(entry.msgid)
            else:
                got = compiled.pgettext(entry.msgctxt, entry.msgid)
            if got != entry.msgstr:
                stale.append(entry.msgid)
            continue
        for n in range(0, 12):
            form = compiled.plural(n)
            if entry.msgctxt is None:
                got = compiled.ngettext(entry.msgid, entry.msgid_plural, n)
            else:
                got = compiled.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, n)
            if got != entry.msgstr_plural.get(form):
                stale.append(entry.msgid)
                break
    assert stale == [], "run compilemessages: the .mo file is older than the .po file"


# ---------------------------------------------------------------- (d) the law's own words

GLOSSARY_TERMS = [
    "personal data",
    "data subject",
    "controller",
    "processor",
    "supervisory authority",
    "right of access",
    "right to rectification",
    "right to erasure ('right to be forgotten')",
    "right to restriction of processing",
    "right to data portability",
    "right to object",
    "right to lodge a complaint with a supervisory authority",
    "complaint",
    "request (a data subject's)",
    "extension (of the time limit)",
    "identity (verification)",
    "manifestly unfounded or excessive",
    "privacy officer",
    "recourse body / dispute resolution body",
    "escalation",
]


def glossary_sections() -> dict[str, dict[str, str]]:
    """locale/GLOSSARY.md: language code -> English term -> the term the catalogue uses."""
    sections: dict[str, dict[str, str]] = {}
    code = None
    for line in (LOCALE / "GLOSSARY.md").read_text(encoding="utf-8").splitlines():
        heading = re.match(r"## .*\((\w+)\)", line)
        if heading:
            code = heading[1]
            sections[code] = {}
        elif code and line.startswith("| ") and not line.startswith("| English"):
            cells = [cell.strip() for cell in line.strip("|").split("|")]
            sections[code][cells[0]] = cells[1]
    return sections


def test_the_glossary_names_the_laws_terms_in_every_language():
    sections = glossary_sections()

    assert sorted(sections) == sorted(TRANSLATED)
    for code, terms in sections.items():
        assert list(terms) == GLOSSARY_TERMS, code
        assert all(term and term != "..." for term in terms.values()), code
