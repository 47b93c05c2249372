"""API messages follow Accept-Language: Thai by default and for Thai, English when the client prefers it."""

import pytest

from tests.api.conftest import INSTALLMENT, api, auth


@pytest.mark.parametrize("accept, language, message", [
    (None, "th", "ต้องส่งโทเค็นในส่วนหัว Authorization: Bearer <token>"),
    ("th-TH,th;q=0.9,en;q=0.5", "th", "ต้องส่งโทเค็นในส่วนหัว Authorization: Bearer <token>"),
    ("fr-FR,fr;q=0.9", "th", "ต้องส่งโทเค็นในส่วนหัว Authorization: Bearer <token>"),  # neither: Thai
    ("en-US,en;q=0.9", "en", "Send a token in the header Authorization: Bearer <token>"),
])
def test_an_error_message_is_in_the_language_asked_for(client, accept, language, message):
    headers = {"Accept-Language": accept} if accept else {}
    r = client.get("/api/v1/laos", headers=headers)
    assert r.status_code == 401 and r.get_json()["message"] == message
    assert r.headers["Content-Language"] == language and "Accept-Language" in r.headers["Vary"]


def test_field_messages_of_a_refused_body_follow_the_language(world, client):
    token = world.tokens["officer"]
    url = INSTALLMENT.format(code="OWN")
    thai = api(client, "PUT", url, token, body={"version": 0})
    english = client.put(url, json={"version": 0}, headers={**auth(token), "Accept-Language": "en"})
    assert thai.status_code == english.status_code == 422
    assert thai.get_json()["message"] == "ข้อมูลที่ส่งมาไม่ถูกต้อง"
    assert english.get_json()["message"] == "The submitted data is invalid"
    assert english.get_json()["fields"] and not any(
        "\u0e00" <= ch <= "\u0e7f" for text in english.get_json()["fields"].values() for ch in text)


def test_a_domain_refusal_is_translated_too(world, client):
    r = client.get("/api/v1/laos/NOPE", headers={**auth(world.tokens["officer"]), "Accept-Language": "en"})
    assert r.status_code == 404 and r.headers["Content-Language"] == "en"
    assert not any("\u0e00" <= ch <= "\u0e7f" for ch in r.get_json()["message"])


def test_the_session_language_never_leaks_into_the_api(client):
    client.get("/lang/en")  # a browser session that chose English
    r = client.get("/api/v1/laos")
    assert r.headers["Content-Language"] == "th" and "Authorization" in r.get_json()["message"]
    assert r.get_json()["message"].startswith("ต้องส่งโทเค็น")
