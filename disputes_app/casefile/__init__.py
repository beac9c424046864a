"""The case file a requester takes to a recourse body (docs/RULES.md section 4).

Pure rendering: the caller builds a plain ``case`` dict from the database, and this module
turns it into a JSON document and an A4 PDF holding the same facts, and no more:

    to_json(case) -> bytes   UTF-8, sorted keys, indent 2, plus "version"
    to_pdf(case) -> bytes    a readable A4 PDF

Both check the dict against a fixed list of keys first (``CASE_FIELDS``): an unknown key
is refused rather than copied, so no name, e-mail or IP address slips into a case file
because a caller added one.

The PDF uses fpdf2 with Open Sans (the ``ttf-opensans`` package, Apache 2.0), embedded
and subset, so German, French, Italian, Polish, Czech, Romanian, Greek or Cyrillic text
prints as written. A character the font lacks (emoji, CJK) is printed as ``[U+XXXX]``,
and a note at the end of the PDF says so; the JSON keeps the original text.
"""

from disputes_app.casefile.facts import CASE_FIELDS, CASE_FILE_VERSION, to_json
from disputes_app.casefile.pdf import to_pdf

__all__ = ["CASE_FIELDS", "CASE_FILE_VERSION", "to_json", "to_pdf"]
