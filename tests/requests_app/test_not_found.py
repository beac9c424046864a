import pytest


def tampered(token: str) -> str:
    return token[:-2] + ("AA" if not token.endswith("AA") else "BB")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "heading", "link"),
    [
        ("en", "Page not found", "Send me a new link"),
        ("de", "Seite nicht gefunden", "Neuen Link senden"),
        ("fr", "Page introuvable", "Envoyez-moi un nouveau lien"),
        ("it", "Pagina non trovata", "Inviatemi un nuovo link"),
    ],
)
def test_a_tampered_status_link_gets_a_404_in_the_readers_language_with_the_lost_link_page(
    client, status_token, language, heading, link
):
    response = client.get(
        f"/requests/status/{tampered(status_token)}/", HTTP_ACCEPT_LANGUAGE=language
    )

    page = response.content.decode()
    assert response.status_code == 404
    assert f'<html lang="{language}">' in page
    assert f"<h1>{heading}</h1>" in page
    assert f'<a class="button" href="/requests/status/">{link}</a>' in page
    assert '<a class="skip-link" href="#main">' in page
    assert 'class="language-switcher"' in page


@pytest.mark.django_db
@pytest.mark.parametrize("suffix", ["", "withdraw/"])
def test_the_not_found_page_reveals_nothing_of_the_token_it_was_given(client, status_token, suffix):
    token = tampered(status_token)

    response = client.get(f"/requests/status/{token}/{suffix}")

    page = response.content.decode()
    assert response.status_code == 404
    assert token not in page
    assert token[:8] not in page
    assert 'name="next"' not in page, "the switcher comes back by the Referer header"
    assert '<meta name="robots" content="noindex, nofollow">' in page


@pytest.mark.django_db
def test_the_not_found_page_of_a_private_link_keeps_the_private_pages_headers(client, status_token):
    response = client.get(f"/requests/status/{tampered(status_token)}/")

    assert response.status_code == 404
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_an_unknown_address_gets_the_portals_own_not_found_page(client):
    response = client.get("/requests/nothing-here/", HTTP_ACCEPT_LANGUAGE="it")

    assert response.status_code == 404
    assert "<h1>Pagina non trovata</h1>" in response.content.decode()


@pytest.mark.django_db
def test_switching_the_language_on_the_not_found_page_comes_back_to_it(client):
    url = "/requests/nothing-here/"

    response = client.post(
        "/i18n/setlang/", {"language": "fr"}, HTTP_REFERER=f"http://testserver{url}"
    )

    assert response.status_code == 302
    assert response["Location"] == f"http://testserver{url}"
    assert "<h1>Page introuvable</h1>" in client.get(url).content.decode()
