"""API tokens: made by a command that prints each once, kept as a hash, revoked in the admin;
a token acts as its user with the user's permissions in the admin."""

import hashlib
import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from rest_framework.test import APIRequestFactory

from core.api import AdminPermissions, TokenScope
from core.models import ApiToken
from requests_app.models import PrivacyRequest
from tests.helpers import API_REQUESTS, api_token, staff_member

TOKENS_ADMIN = "/admin/core/apitoken/"


class RequestsView:
    """What the permission classes read of a view: its queryset's model."""

    def get_queryset(self):
        return PrivacyRequest.objects.all()


def permission(codename: str) -> Permission:
    return Permission.objects.get(codename=codename, content_type__app_label="requests_app")


@pytest.fixture
def viewer(db):
    return staff_member("viewer", [permission("view_privacyrequest")])


def create_token(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("create_api_token", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_the_command_prints_the_token_once_and_keeps_only_its_hash(viewer):
    printed, note = create_token("viewer", "--name", "ticket system")

    token = printed.strip()
    row = ApiToken.objects.get()
    assert printed == f"{token}\n"
    assert token.startswith("pp_") and len(token) == 46
    assert row.key_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token.startswith(row.prefix) and len(row.prefix) == 11
    assert token not in {str(value) for value in vars(row).values()}
    assert (row.user, row.name, row.read_only) == (viewer, "ticket system", False)
    assert "shown only this once" in note and token not in note


@pytest.mark.django_db
def test_the_command_makes_a_read_only_token_when_asked(viewer):
    create_token("viewer", "--read-only")

    assert ApiToken.objects.get().read_only


@pytest.mark.parametrize("active", [False, None])
@pytest.mark.django_db
def test_the_command_refuses_an_unknown_or_inactive_user(viewer, active):
    if active is False:
        get_user_model().objects.filter(pk=viewer.pk).update(is_active=False)
    username = "viewer" if active is False else "nobody"

    with pytest.raises(CommandError, match=username):
        create_token(username)
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_a_token_is_revoked_in_the_admin_and_then_not_found(admin_client, viewer):
    token = api_token(viewer)
    row = ApiToken.objects.get()
    assert ApiToken.find(token) == row

    response = admin_client.post(
        TOKENS_ADMIN, {"action": "revoke", "_selected_action": [row.pk]}, follow=True
    )

    row.refresh_from_db()
    assert "1 token revoked." in response.content.decode()
    assert row.revoked_at is not None
    assert ApiToken.find(token) is None


@pytest.mark.django_db
def test_the_admin_lists_tokens_by_their_first_characters_and_cannot_make_or_show_one(
    admin_client, viewer
):
    token = api_token(viewer)
    row = ApiToken.objects.get()

    listing = admin_client.get(TOKENS_ADMIN).content.decode()
    page = admin_client.get(f"{TOKENS_ADMIN}{row.pk}/change/").content.decode()

    assert f"{row.prefix}…" in listing and "viewer" in listing
    assert token not in listing and token not in page
    assert row.key_hash not in page
    assert admin_client.get(f"{TOKENS_ADMIN}add/").status_code == 403
    assert admin_client.get(f"{TOKENS_ADMIN}{row.pk}/delete/").status_code == 403


@pytest.mark.parametrize(
    ("method", "read_only", "allowed"),
    [
        ("GET", True, True),
        ("HEAD", True, True),
        ("POST", True, False),
        ("PATCH", True, False),
        ("DELETE", True, False),
        ("POST", False, True),
    ],
)
@pytest.mark.django_db
def test_the_token_scope_lets_a_read_only_token_use_safe_methods_only(
    admin_user, method, read_only, allowed
):
    row, _token = ApiToken.issue(admin_user, read_only=read_only)
    request = APIRequestFactory().generic(method, API_REQUESTS)
    request.auth = row

    assert TokenScope().has_permission(request, RequestsView()) is allowed


@pytest.mark.parametrize(
    ("method", "codename", "allowed"),
    [
        ("GET", "view_privacyrequest", True),
        ("GET", "change_privacyrequest", True),
        ("GET", "add_privacyrequest", False),
        ("POST", "add_privacyrequest", True),
        ("POST", "view_privacyrequest", False),
        ("PATCH", "change_privacyrequest", True),
        ("DELETE", "change_privacyrequest", False),
    ],
)
@pytest.mark.django_db
def test_admin_permissions_read_the_users_model_permission_for_each_method(
    method, codename, allowed
):
    request = APIRequestFactory().generic(method, API_REQUESTS)
    request.user = staff_member("someone", [permission(codename)])

    assert AdminPermissions().has_permission(request, RequestsView()) is allowed
