"""Maltese dates: "2 ta' Marzu 2026". Django has no Maltese formats (core/languages.py)."""

DATE_FORMAT = r"j \t\a' F Y"
DATETIME_FORMAT = r"j \t\a' F Y, H:i"
TIME_FORMAT = "H:i"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
