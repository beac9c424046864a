"""The officer runs the connectors from a request's page: collect, count, approve, package."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from requests_app.models import SystemRun
from tests.helpers import file_request, member_of, past_second_factor, staff_member


@pytest.fixture
def officer_client(shop_system):
    return member_of("Privacy officers")


def request_page(client, request) -> str:
    url = reverse("admin:requests_app_privacyrequest_change", args=[request.pk])
    return client.get(url).content.decode()


def start_url(request, action: str) -> str:
    return reverse("admin:requests_app_systemrun_start", args=[request.pk, action])


def test_the_officers_group_may_run_connectors_and_staff_may_only_look(db):
    officers = Group.objects.get(name="Privacy officers").permissions
    staff = Group.objects.get(name="Privacy staff").permissions
    assert officers.filter(codename="run_connectors").exists()
    assert not staff.filter(codename="run_connectors").exists()
    assert staff.filter(codename="view_systemrun").exists()


def test_the_request_page_offers_the_runs_to_whoever_may_start_them(
    officer_client, shop_system, confirmed, client
):
    page = request_page(officer_client, confirmed)
    assert "Collect the data (access run)" in page
    # A button of the request's form that posts to the run: a form in a form would be dropped.
    assert f'formaction="{start_url(confirmed, "access")}"' in page

    past_second_factor(client, staff_member("looker", list(Permission.objects.filter(
        codename__in=["view_privacyrequest", "change_privacyrequest"]))))  # fmt: skip
    assert "Collect the data (access run)" not in request_page(client, confirmed)
    assert client.post(start_url(confirmed, "access")).status_code == 403
    assert not SystemRun.objects.exists()


def test_a_request_whose_address_is_not_confirmed_offers_no_run(officer_client, shop_system):
    unconfirmed = file_request(email="Demo@Example.org", country="DE")

    assert "Collect the data (access run)" not in request_page(officer_client, unconfirmed)


def test_an_access_run_is_previewed_and_packaged(
    officer_client, confirmed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(start_url(confirmed, "access"))

    run = SystemRun.objects.get()
    assert response.url == reverse("admin:requests_app_systemrun_change", args=[run.pk])
    page = officer_client.get(response.url).content.decode()
    assert "First rows of customers" in page
    assert "demo@example.org" in page
    assert "Build the answer package" in page
    assert f"{run.label}, " in request_page(officer_client, confirmed)
    assert ": done: 1</li>" in request_page(officer_client, confirmed)

    officer_client.post(reverse("admin:requests_app_systemrun_package", args=[run.pk]))
    download = officer_client.get(reverse("admin:requests_app_systemrun_download", args=[run.pk]))
    assert download.status_code == 200
    with zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))) as package:
        assert "data.json" in package.namelist()


def test_an_erasure_is_counted_then_approved(
    officer_client, confirmed, shop_system, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        officer_client.post(start_url(confirmed, "erasure"))
    dry = SystemRun.objects.get()
    assert dry.dry_run
    dry_page = officer_client.get(reverse("admin:requests_app_systemrun_change", args=[dry.pk]))
    assert "Approve: erase what was counted" in dry_page.content.decode()

    approve = reverse("admin:requests_app_systemrun_approve", args=[dry.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(approve)

    erased = SystemRun.objects.exclude(pk=dry.pk).get()
    assert (erased.action, erased.dry_run) == ("erasure", False)
    assert response.url.endswith(f"/{erased.pk}/change/")
    assert erased.parts.get().state == "done"


def test_an_unconfirmed_address_is_refused_on_the_request_page(officer_client, db):
    request = file_request()
    response = officer_client.post(start_url(request, "access"), follow=True)

    assert "not confirmed the e-mail address" in response.content.decode()
    assert not SystemRun.objects.exists()
