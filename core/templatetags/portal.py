from django import template
from django.template.loader import render_to_string

from core import authorities

register = template.Library()


@register.filter
def get_item(mapping: dict, key):
    """mapping[key], or nothing: templates cannot index a dict by a variable."""
    return mapping.get(key, ())


@register.simple_tag
def day(value) -> str:
    """A day as includes/date.html writes it (a <time> element), to stand inside a translated
    sentence: `{% day check.from_date as from %}{% blocktranslate %}… from {{ from }}.`."""
    return render_to_string("includes/date.html", {"value": value})


@register.simple_tag
def authority_of(country) -> authorities.Authority | None:
    """The data protection authority of a requester's country (core/authorities.py)."""
    return authorities.authority_for(str(country or ""))
