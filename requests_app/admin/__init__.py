"""The officer's back office in the Django admin; each module registers what it names."""

from requests_app.admin import preferences, records, requests, runs, webhooks

__all__ = ["preferences", "records", "requests", "runs", "webhooks"]
