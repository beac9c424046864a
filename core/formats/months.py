"""The names of the months, as the portal's dates write them, in the portal's own catalogues.

Django's dates take a month's name from Django's catalogue of the language: Maltese has none,
and some catalogues write the names otherwise than dates in running text do (Italian,
Portuguese, Romanian and Bulgarian capitalise them; Slovak and Slovenian have no form for a
date, "2. marca 2026"). Marked here, the names are in every catalogue of the portal, which
Django reads before its own, so each language's translator decides them.

`F` in a date format is the name on its own ("March"), `E` the name as a date writes it,
which is another case in many languages (Polish "2 marca 2026", Greek "2 Μαρτίου 2026").
"""

from django.utils.translation import gettext_lazy, pgettext_lazy

# Translators: a month's name on its own, written as your language writes it in running text
# (lower case where your language writes months so).
MONTHS = (
    gettext_lazy("January"),
    gettext_lazy("February"),
    gettext_lazy("March"),
    gettext_lazy("April"),
    gettext_lazy("May"),
    gettext_lazy("June"),
    gettext_lazy("July"),
    gettext_lazy("August"),
    gettext_lazy("September"),
    gettext_lazy("October"),
    gettext_lazy("November"),
    gettext_lazy("December"),
)

# Translators: a month's name as it stands in a full date after the day ("2 March 2026"): in
# the case your language uses there (Polish "marca", Czech "března", Greek "Μαρτίου"), or the
# same as the name on its own where the case does not change.
MONTHS_IN_A_DATE = (
    pgettext_lazy("alt. month", "January"),
    pgettext_lazy("alt. month", "February"),
    pgettext_lazy("alt. month", "March"),
    pgettext_lazy("alt. month", "April"),
    pgettext_lazy("alt. month", "May"),
    pgettext_lazy("alt. month", "June"),
    pgettext_lazy("alt. month", "July"),
    pgettext_lazy("alt. month", "August"),
    pgettext_lazy("alt. month", "September"),
    pgettext_lazy("alt. month", "October"),
    pgettext_lazy("alt. month", "November"),
    pgettext_lazy("alt. month", "December"),
)
