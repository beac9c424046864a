"""API tokens: made by a command that prints each once, kept as a hash, revoked in the admin;
a token acts as its user with the user's permissions in the admin."""

import hashlib
import io
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management import CommandError, call_command
from django.utils import timezone
from rest_framework.test import APIRequestFactory

from core.api import AdminPermissions, TokenScope
from core.models import ApiToken
from requests_app.models import PrivacyRequest
from tests.helpers import API_REQUESTS, api_token, bearer, file_request, staff_member

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
def test_the_command_prints_the_token_once_and_keeps_only_its_hash(client, viewer):
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
    assert client.get(API_REQUESTS, **bearer(token)).status_code == 200


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


@pytest.mark.parametrize(
    "header",
    [
        None,
        "Bearer pp_wrongwrongwrongwrongwrongwrongwrongwrongwro",
        "Bearer ",
        "Basic dmlld2VyOnNlY3JldA==",
        "pp_token-without-a-scheme",
    ],
)
@pytest.mark.django_db
def test_no_token_or_a_wrong_one_is_answered_401_with_the_bearer_challenge(client, viewer, header):
    api_token(viewer)
    extra = {"HTTP_AUTHORIZATION": header} if header is not None else {}

    response = client.get(API_REQUESTS, **extra)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["title"] == "Unauthorized"


@pytest.mark.django_db
def test_a_token_revoked_in_the_admin_is_answered_401(client, admin_client, viewer):
    token = api_token(viewer)
    row = ApiToken.objects.get()
    assert client.get(API_REQUESTS, **bearer(token)).status_code == 200

    response = admin_client.post(
        TOKENS_ADMIN, {"action": "revoke", "_selected_action": [row.pk]}, follow=True
    )

    row.refresh_from_db()
    assert "1 token revoked." in response.content.decode()
    assert row.revoked_at is not None
    assert client.get(API_REQUESTS, **bearer(token)).status_code == 401


@pytest.mark.django_db
def test_the_token_of_a_deactivated_user_is_answered_401(client, viewer):
    token = api_token(viewer)
    get_user_model().objects.filter(pk=viewer.pk).update(is_active=False)

    assert client.get(API_REQUESTS, **bearer(token)).status_code == 401


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


@pytest.mark.django_db
def test_last_used_is_written_at_most_once_a_minute(client, viewer, time_machine):
    token = api_token(viewer)
    time_machine.move_to(timezone.now(), tick=False)

    client.get(API_REQUESTS, **bearer(token))
    first = ApiToken.objects.get().last_used_at
    time_machine.shift(timedelta(seconds=30))
    client.get(API_REQUESTS, **bearer(token))
    unchanged = ApiToken.objects.get().last_used_at
    time_machine.shift(timedelta(seconds=31))
    client.get(API_REQUESTS, **bearer(token))
    later = ApiToken.objects.get().last_used_at

    assert first is not None
    assert unchanged == first
    assert later - first == timedelta(seconds=61)


@pytest.mark.django_db
def test_a_user_without_permission_to_view_requests_is_answered_403(client):
    user = staff_member("nobody", [])

    response = client.get(API_REQUESTS, **bearer(api_token(user)))

    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.django_db
def test_a_user_who_is_not_staff_gets_403_whatever_the_permission(client):
    user = get_user_model().objects.create_user("customer")
    user.user_permissions.add(permission("view_privacyrequest"))

    response = client.get(API_REQUESTS, **bearer(api_token(user)))

    assert response.status_code == 403


@pytest.mark.django_db
def test_permission_to_change_requests_lets_one_read_them_as_in_the_admin(client):
    user = staff_member("changer", [permission("change_privacyrequest")])

    assert client.get(API_REQUESTS, **bearer(api_token(user))).status_code == 200


@pytest.mark.django_db
def test_a_staff_group_gives_a_token_its_rights(client):
    user = get_user_model().objects.create_user("officer2", is_staff=True)
    user.groups.add(Group.objects.get(name="Privacy officers"))

    assert client.get(API_REQUESTS, **bearer(api_token(user))).status_code == 200


@pytest.mark.django_db
def test_a_read_only_token_may_read_but_not_post(client, admin_user):
    token = api_token(admin_user, read_only=True)
    reference = file_request().reference

    listing = client.get(API_REQUESTS, **bearer(token))
    posting = client.post(f"{API_REQUESTS}{reference}/", {}, **bearer(token))

    assert listing.status_code == 200
    assert posting.status_code == 403
    assert posting.json()["detail"] == "This token is read-only."


@pytest.mark.django_db
def test_a_full_token_gets_past_the_permissions_to_method_not_allowed(client, admin_user):
    reference = file_request().reference

    response = client.post(f"{API_REQUESTS}{reference}/", {}, **bearer(api_token(admin_user)))

    assert response.status_code == 405
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.django_db
def test_a_user_who_may_only_view_is_refused_any_other_method(client, viewer):
    reference = file_request().reference

    response = client.delete(f"{API_REQUESTS}{reference}/", **bearer(api_token(viewer)))

    assert response.status_code == 403


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
