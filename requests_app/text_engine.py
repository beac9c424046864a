"""The template engine of the officer's own e-mail texts (models/email_texts.py).

Django's template language from a string: every filter, the tags for conditions and loops, and
nothing that reaches past the context. No `{% load %}`, `{% include %}` or `{% extends %}` (no
template files at all), no `{% url %}`, `{% debug %}` or `{% lorem %}`. The texts are plain
text, so nothing is escaped here; the e-mail's HTML part escapes the rendered text.
"""

from __future__ import annotations

import re
from typing import Any

from django.template import Context, Engine, Library, Template, defaultfilters, defaulttags

TAGS = {
    "autoescape",
    "comment",
    "cycle",
    "filter",
    "firstof",
    "for",
    "if",
    "ifchanged",
    "now",
    "regroup",
    "resetcycle",
    "spaceless",
    "templatetag",
    "verbatim",
    "widthratio",
    "with",
}

register = Library()
register.filters.update(defaultfilters.register.filters)
register.tags.update({name: defaulttags.register.tags[name] for name in TAGS})


class TextEngine(Engine):
    # Django's engine adds its tags, filters and {% include %}/{% extends %} to every engine:
    # this one has only `register` above.
    default_builtins: list[str] = []


# A variable the context does not have renders as this while checking, with its name.
UNKNOWN = "\x00unknown:%s\x00"
UNKNOWN_NAME = re.compile("\x00unknown:(.*?)\x00")

ENGINE = TextEngine(builtins=[__name__], autoescape=False)
CHECKING = TextEngine(builtins=[__name__], autoescape=False, string_if_invalid=UNKNOWN)


def render(source: str, context: dict[str, Any]) -> str:
    """The text; a variable the context lacks is left empty, as in the files."""
    output = Template(source, engine=ENGINE).render(Context(context, autoescape=False))
    # Template.render marks its output safe for HTML. Plain text is not: the HTML part must
    # escape it, so it is handed on as a plain str.
    return str.__str__(output)


def unknown_variables(source: str, context: dict[str, Any]) -> list[str]:
    """The variables the text uses that the context does not have, once each.

    Raises what rendering raises: TemplateSyntaxError for a text that does not compile.
    """
    output = Template(source, engine=CHECKING).render(Context(context, autoescape=False))
    return sorted(set(UNKNOWN_NAME.findall(output)))
