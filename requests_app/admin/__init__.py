"""The officer's back office in the Django admin; each module registers what it names."""

from requests_app.admin import records, requests, runs, webhooks

__all__ = ["records", "requests", "runs", "webhooks"]
