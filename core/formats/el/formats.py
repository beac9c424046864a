"""Greek dates in words, the month in the genitive: "2 Μαρτίου 2026" (Django: "02/03/2026")."""

DATE_FORMAT = "j E Y"
DATETIME_FORMAT = "j E Y, H:i"
