"""Helpers the tests share: file a request as the intake does, read links from e-mails."""

from __future__ import annotations

import logging
import re

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from requests_app import outbox, services
from requests_app.models import OutboxEmail, PrivacyRequest

VALID_FILING = {
    "request_type": "access",
    "full_name": "Erika Mustermann",
    "email": "erika@example.de",
    "country": "DE",
    "details": "Please send me a copy of all data you hold about me.",
    "consent": "on",
}


# What remember_error, the tests' ERROR_HOOK, was handed.
ERROR_RECORDS: list[logging.LogRecord] = []


def remember_error(record: logging.LogRecord) -> None:
    ERROR_RECORDS.append(record)


def file_request(form_token: str = "", **overrides: str) -> PrivacyRequest:
    data = {**VALID_FILING, **overrides}
    data.pop("consent")
    request, _created = services.file_request(
        data, language="en", ip_address="192.0.2.1", form_token=form_token
    )
    return request


def link_in(email: OutboxEmail, kind: str) -> str:
    """The token of the first /requests/<kind>/ link in an outbox e-mail."""
    match = re.search(rf"/requests/{kind}/([A-Za-z0-9_-]+)/", outbox.render(email).text)
    assert match, f"no {kind} link in the {email.kind} e-mail"
    return match.group(1)


def last_email(kind: str) -> OutboxEmail:
    return OutboxEmail.objects.filter(kind=kind).latest("created_at", "pk")


def past_second_factor(client: Client, user: AbstractBaseUser) -> Client:
    """Signs the user in on the client, password and TOTP device both passed."""
    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="tests", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def staff_member(username: str, permissions: list[Permission]) -> AbstractBaseUser:
    user = get_user_model().objects.create_user(username, is_staff=True)
    user.user_permissions.set(permissions)
    return user


def member_of(group: str) -> Client:
    """A fresh client signed in, past both factors, as a member of one of the staff groups."""
    user = get_user_model().objects.create_user(group.replace(" ", "-"), is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return past_second_factor(Client(), user)
