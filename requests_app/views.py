"""The requester's pages: parse with a form, call one service, redirect or render."""

from __future__ import annotations

import contextlib

from django.conf import settings
from django.core import signing
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.clients import client_address
from core.errors import too_many
from requests_app import addresses, deadlines, hooks, ratelimit, services
from requests_app.forms import IntakeForm, LostLinkForm, MessageForm
from requests_app.models import (
    AccessLink,
    AnswerFile,
    Message,
    PrivacyRequest,
    RequestEvent,
    RequestType,
    TransitionNotAllowed,
)
from requests_app.private_pages import link_or_404, private_page

FILED_SALT = "requests_app.filed"
FILE_SALT = "requests_app.answer_file"
# How long a download link on the status page works: time to fetch a large answer on a slow
# line; the page hands out fresh ones, so a link copied elsewhere soon stops working.
ANSWER_LINK_MINUTES = 60


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "requests/home.html",
        {
            "request_types": RequestType,
            "default_days": settings.DEADLINE_DEFAULT_DAYS,
            "complaint_days": settings.DEADLINE_COMPLAINT_DAYS,
            "eea_and_uk": sorted(deadlines.EEA_COUNTRIES | {"GB"}),
            "recourse_body": hooks.recourse_body_name(),
        },
    )


def file_if_allowed(request: HttpRequest, form: IntakeForm) -> PrivacyRequest | None:
    """File a valid intake form, the page's or the API's, in the reader's language; None when
    the client's address has filed INTAKE_RATE_LIMIT times in the window already."""
    ip_address = client_address(request)
    if not ratelimit.allow(
        "intake", ip_address or "", settings.INTAKE_RATE_LIMIT, ratelimit.INTAKE_WINDOW
    ):
        return None
    privacy_request, _created = services.file_request(
        form.cleaned_data,
        language=request.LANGUAGE_CODE,
        ip_address=ip_address,
        form_token=form.cleaned_data["form_token"],
    )
    return privacy_request


@require_http_methods(["GET", "POST"])
def new_request(request: HttpRequest) -> HttpResponse:
    form = IntakeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        privacy_request = file_if_allowed(request, form)
        if privacy_request is None:
            return too_many(request)
        signed = signing.dumps(privacy_request.reference, salt=FILED_SALT)
        return redirect(f"{reverse('requests:filed')}?r={signed}")
    return render(request, "requests/new.html", {"form": form})


@require_GET
def filed(request: HttpRequest) -> HttpResponse:
    try:
        reference = signing.loads(request.GET.get("r", ""), salt=FILED_SALT, max_age=86400)
    except signing.BadSignature as error:
        raise Http404 from error
    return render(request, "requests/filed.html", {"reference": reference})


@private_page
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest, token: str) -> HttpResponse:
    link = AccessLink.find(token, AccessLink.Purpose.VERIFY)
    if link is None:
        return render(request, "requests/link_invalid.html", {"reason": "unknown"}, status=404)
    if link.used_at is not None:
        return render(request, "requests/link_invalid.html", {"reason": "spent"}, status=410)
    if link.is_expired:
        return render(request, "requests/link_invalid.html", {"reason": "expired"}, status=410)
    if request.method == "POST":
        try:
            status_token = services.confirm_email(link)
        except services.LinkSpent:
            return render(request, "requests/link_invalid.html", {"reason": "spent"}, status=410)
        return redirect("requests:status", token=status_token)
    return render(request, "requests/verify.html", {"privacy_request": link.request})


def download_url(token: str, answer_file: AnswerFile) -> str:
    """A link that works for ANSWER_LINK_MINUTES: the status page hands out fresh ones."""
    signed = signing.dumps(answer_file.pk, salt=FILE_SALT)
    return f"{reverse('requests:file', args=[token, answer_file.pk])}?s={signed}"


def render_status(
    request: HttpRequest,
    link: AccessLink,
    message_form: MessageForm | None = None,
    status: int = 200,
) -> HttpResponse:
    privacy_request = link.request
    token = request.resolver_match.kwargs["token"]
    files = {}
    for answer_file in privacy_request.files.all():
        url = download_url(token, answer_file) if link.gives_files else None
        files.setdefault(answer_file.message_id, []).append((answer_file, url))
    # The request's own language, unless the reader chose one with the switcher.
    language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) or privacy_request.language
    with translation.override(language):
        return render(
            request,
            "requests/status.html",
            {
                "privacy_request": privacy_request,
                "token": token,
                "files": files,
                "panels": [panel(request, privacy_request, token) for panel in hooks.status_panels],
                "events": privacy_request.events.all(),
                "waits": privacy_request.waits.all(),
                "messages": privacy_request.messages.all(),
                "message_form": message_form or MessageForm(),
                "author": Message.Author,
                "answer_file_days": settings.ANSWER_FILE_DAYS,
                "lost_link_url": reverse("requests:lost_link"),
            },
            status=status,
        )


@private_page
@require_GET
def status(request: HttpRequest, token: str) -> HttpResponse:
    return render_status(request, link_or_404(token, AccessLink.Purpose.STATUS))


@private_page
@require_GET
def download(request: HttpRequest, token: str, file_id: int) -> HttpResponse:
    link = link_or_404(token, AccessLink.Purpose.STATUS)
    answer_file = get_object_or_404(AnswerFile, pk=file_id, request=link.request)
    if not link.gives_files:
        context = {
            "token": token,
            "privacy_request": link.request,
            "reason": "link_too_old",
            "answer_file_days": settings.ANSWER_FILE_DAYS,
        }
        return render(request, "requests/download_expired.html", context, status=410)
    max_age = ANSWER_LINK_MINUTES * 60
    try:
        signed_id = signing.loads(request.GET.get("s", ""), salt=FILE_SALT, max_age=max_age)
    except signing.BadSignature:
        signed_id = None
    if signed_id != answer_file.pk:
        context = {"token": token, "privacy_request": link.request}
        return render(request, "requests/download_expired.html", context, status=410)
    link.request.record(
        RequestEvent.Kind.FILE_DOWNLOADED,
        actor=RequestEvent.Actor.REQUESTER,
        data={"file": answer_file.pk},
    )
    return FileResponse(answer_file.file.open("rb"), as_attachment=True, filename=answer_file.name)


@private_page
@require_POST
def post_message(request: HttpRequest, token: str) -> HttpResponse:
    link = link_or_404(token, AccessLink.Purpose.STATUS)
    form = MessageForm(request.POST)
    if not link.request.is_open:
        form.add_error(None, gettext("This request is closed: it takes no more messages."))
    if not form.is_valid():
        return render_status(request, link, form)
    if not message_allowed(request, link):
        # Lazy: the page is rendered in the request's language, which render_status chooses.
        form.add_error(
            "body",
            gettext_lazy(
                "You have sent several messages in a short time. Please wait a while before "
                "you send this one; the messages you sent before have reached us."
            ),
        )
        return render_status(request, link, form, status=429)
    try:
        services.post_requester_message(link.request, form.cleaned_data["body"])
    except TransitionNotAllowed as error:
        # Closed between the page and the post (withdrawn in another tab, answered).
        form.add_error(None, str(error))
        return render_status(request, link, form)
    return redirect(f"{reverse('requests:status', args=[token])}#messages")


def message_allowed(request: HttpRequest, link: AccessLink) -> bool:
    """One more message within the limits of its request (whichever link) and of its client."""
    window = ratelimit.MESSAGE_WINDOW
    return ratelimit.allow_client(
        request, "message-client", ratelimit.MESSAGE_CLIENT_LIMIT, window
    ) and ratelimit.allow(
        "message-request", str(link.request_id), settings.MESSAGE_RATE_LIMIT, window
    )


@private_page
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, token: str) -> HttpResponse:
    link = link_or_404(token, AccessLink.Purpose.STATUS)
    privacy_request = link.request
    if request.method == "POST" and privacy_request.is_open:
        # Closed meanwhile (answered, or withdrawn from another tab): the status page says so.
        with contextlib.suppress(TransitionNotAllowed):
            services.withdraw(privacy_request)
        return redirect("requests:status", token=token)
    return render(
        request,
        "requests/withdraw.html",
        {"privacy_request": privacy_request, "token": token},
    )


@require_http_methods(["GET", "POST"])
def lost_link(request: HttpRequest) -> HttpResponse:
    form = LostLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # The limit and the lookup key on the same normal form of the address.
        email_key = addresses.key(form.cleaned_data["email"])
        window = ratelimit.LOST_LINK_WINDOW
        if not (
            ratelimit.allow_client(
                request, "lost-link-client", ratelimit.LOST_LINK_CLIENT_LIMIT, window
            )
            and ratelimit.allow("lost-link", email_key, settings.LOST_LINK_RATE_LIMIT, window)
        ):
            return too_many(request)
        services.request_lost_links(email_key)
        return render(request, "requests/lost_link_sent.html")
    return render(request, "requests/lost_link.html", {"form": form})
