from django import template

register = template.Library()


@register.filter
def get_item(mapping: dict, key):
    """mapping[key], or nothing: templates cannot index a dict by a variable."""
    return mapping.get(key, ())
