from django.conf import settings


def organisation(request) -> dict:
    """The organisation the portal serves, for every page (from settings, not templates)."""
    return {
        "organisation": {
            "name": settings.ORGANISATION_NAME,
            "email": settings.ORGANISATION_EMAIL,
            "address": settings.ORGANISATION_ADDRESS,
            "websites": settings.ORGANISATION_WEBSITES,
            "subprocessors": settings.ORGANISATION_SUBPROCESSORS,
            "privacy_notice_url": settings.ORGANISATION_PRIVACY_NOTICE_URL,
        }
    }
