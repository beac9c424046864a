"""Slovenian dates with the month in the genitive: "2. marca 2026" (Django: "02. marec 2026")."""

DATE_FORMAT = "j. E Y"
DATETIME_FORMAT = "j. E Y, H:i"
