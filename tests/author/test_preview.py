"""The read-only preview of every shipped questionnaire, in Swedish and English."""

from __future__ import annotations

import re

import pytest

from tests.conftest import PRODUCTION, SHIPPED, questionnaire_yaml, signed_in
from webapp.config import ConfigError
from webapp.definitions import load_file

PAYLOAD = "<script>alert('x')</script>"


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
@pytest.mark.parametrize("lang", ["sv", "en"])
def test_preview_shows_every_question_in_the_language(client, path, lang):
    q = load_file(path)
    response = client.get(f"/questionnaires/{q.id}?lang={lang}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'<html lang="{lang}">' in html
    assert f"<h1>{_escape(q.title[lang])}</h1>" in html
    for question in q.questions.values():
        assert f'id="q-{question.id}"' in html
        if getattr(question, "label", None):
            assert _escape(question.label[lang]) in html
    for flag in q.flags:
        assert _escape(flag.message[lang]) in html


def _escape(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&#34;").replace("'", "&#39;"))


def test_index_lists_questionnaires_and_broken_files(make_app):
    good = questionnaire_yaml("- {id: name, type: text, label: {sv: Namn, en: Name}}")
    app = make_app({"good.yaml": good, "broken.yaml": good.replace("type: text", "type: txt")})
    html = signed_in(app).get("/?lang=en").get_data(as_text=True)
    assert '<a href="/questionnaires/t?lang=en">Test</a>' in html
    assert "broken.yaml" in html and "S203" in html and "<code>broken.yaml:9:26</code>" in html


def test_unknown_questionnaire_is_404(client):
    assert client.get("/questionnaires/nope").status_code == 404


def test_previews_are_for_staff(app):
    anonymous = app.test_client().get("/questionnaires/gloves")
    assert anonymous.status_code == 302
    assert "/staff/login?next=" in anonymous.headers["Location"]


def test_author_text_is_escaped_and_markdown_cleaned(make_app):
    text = questionnaire_yaml(f"""\
        - id: name
          type: text
          label: {{sv: "{PAYLOAD}", en: "{PAYLOAD}"}}
          help: "<img src=x onerror=alert(1)>"
        - id: info
          type: note
          text: "[click](javascript:alert(1)) <b onclick=alert(1)>bold</b> **ok**"
        """)
    text = text.replace("title: {sv: Test, en: Test}",
                        f'title: "{PAYLOAD}"\nintro: "<iframe src=x></iframe>*intro*"')
    app = make_app({"x.yaml": text})
    html = signed_in(app).get("/questionnaires/t").get_data(as_text=True)
    assert "<script>alert" not in html and "&lt;script&gt;alert(&#39;x&#39;)" in html
    assert "<img" not in html and "onerror=alert(1)&gt;" in html
    assert "href=\"javascript" not in html and "<b onclick" not in html and "<iframe" not in html
    assert "<strong>ok</strong>" in html and "<em>intro</em>" in html


def test_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Cache-Control"] == "no-store"


def test_page_has_landmarks_and_labels(client):
    html = client.get("/questionnaires/gloves?lang=sv").get_data(as_text=True)
    assert '<main id="main"' in html and 'class="skip-link" href="#main"' in html
    for input_id in re.findall(r'<(?:input|textarea)[^>]* id="([^"]+)"', html):
        assert f'for="{input_id}"' in html, input_id


def test_refuses_to_start_without_a_secret_key(monkeypatch, tmp_path):
    from webapp import create_app

    monkeypatch.delenv("KEDJEKOLL_SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="KEDJEKOLL_SECRET_KEY"):
        create_app({"RESPONSES_DIR": tmp_path})
    monkeypatch.setenv("KEDJEKOLL_SECRET_KEY", "short")
    with pytest.raises(ConfigError, match="too short"):
        create_app({"RESPONSES_DIR": tmp_path})
    monkeypatch.setenv("KEDJEKOLL_SECRET_KEY", "x" * 40)
    assert create_app({"RESPONSES_DIR": tmp_path, **PRODUCTION}).config[
        "SESSION_COOKIE_SECURE"] is True
