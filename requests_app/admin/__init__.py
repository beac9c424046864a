"""The officer's back office in the Django admin; each module registers what it names."""

from requests_app.admin import email_texts, preferences, records, requests, runs, webhooks

__all__ = ["email_texts", "preferences", "records", "requests", "runs", "webhooks"]
