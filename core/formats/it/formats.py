"""Italian dates as Italian writes them: "2 marzo 2026" and "2 marzo 2026, 14:30".

Django's Italian formats write "02 Marzo 2026" and put the weekday before each moment, which
the portal's other languages do without. The month names are the portal's own (months.py).
"""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
