"""Enrolment of a staff member's authenticator app (the second factor for the admin)."""

import base64

from django_otp.plugins.otp_totp.models import TOTPDevice


def enrol(user) -> str:
    """Create a confirmed TOTP device; returns the text that tells how to add it to an app."""
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    key = base64.b32encode(device.bin_key).decode()
    return (
        f"Second factor for {user.get_username()}: add this to an authenticator app\n"
        f"  {device.config_url}\n"
        f"  or type the key by hand: {key}\n"
        "At the admin login, enter the 6-digit code the app shows."
    )
