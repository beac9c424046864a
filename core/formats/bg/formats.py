"""Bulgarian dates as Bulgarian writes them: "2 март 2026 г." (Django: "02 Март 2026")."""

DATE_FORMAT = r"j F Y \г."
DATETIME_FORMAT = r"j F Y \г., H:i"
