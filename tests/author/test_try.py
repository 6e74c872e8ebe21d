"""The try page: paste or upload YAML, see the checker's errors at their lines and a preview."""

from __future__ import annotations

import io
import re

from tests.conftest import FIRST_QUESTION_LINE, questionnaire_yaml, signed_in

GOOD = questionnaire_yaml(
    "- {id: company, type: text, required: true, label: {sv: Företagets namn, "
    "en: Company name}}",
    "- {id: policy, type: yesno, label: {sv: Har ni en uppförandekod?, "
    "en: Do you have a code of conduct?}, help: {sv: Svara ja eller nej., "
    "en: Answer yes or no.}}")
TWO_MISTAKES = questionnaire_yaml(
    "- {id: company, type: txt, label: {sv: Namn, en: Name}}",
    "- {id: policy, type: yesno, label: {sv: Kod?}}")


def _token(client) -> str:
    html = client.get("/questionnaires/try").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def _post(client, **data):
    data.setdefault("csrf_token", _token(client))
    return client.post("/questionnaires/try?lang=en", data=data,
                       content_type="multipart/form-data")


def test_two_mistakes_are_shown_at_their_lines_and_the_text_is_kept(client):
    response = _post(client, yaml=TWO_MISTAKES, preview_lang="en")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    first, second = FIRST_QUESTION_LINE, FIRST_QUESTION_LINE + 1
    summary = re.search(r'class="error-summary".*?</div>', html, re.S).group(0)
    assert "The checker found 2 errors in pasted.yaml" in summary
    assert re.search(rf'<a href="#line-{first}"><code>{first}:\d+</code> <code>S203</code>',
                     summary)
    assert re.search(rf'<a href="#line-{second}"><code>{second}:\d+</code> <code>T400</code>',
                     summary)
    for line, code in ((first, "S203"), (second, "T400")):
        item = re.search(rf'<li id="line-{line}" class="bad">.*?</li>', html, re.S).group(0)
        assert f"Error {code}" in item
    assert '<li id="line-1">' in html  # clean lines are listed too, not highlighted
    textarea = re.search(r'<textarea id="try-yaml"[^>]*>(.*?)</textarea>', html, re.S).group(1)
    assert "type: txt" in textarea and "label: {sv: Kod?}" in textarea
    assert "The preview is shown once the errors above are fixed." in html


def test_an_uploaded_valid_file_is_previewed_as_the_supplier_sees_it(client):
    upload = (io.BytesIO(GOOD.encode("utf-8")), "uppforandekod.yaml")
    html = _post(client, file=upload, preview_lang="sv").get_data(as_text=True)
    assert "uppforandekod.yaml passes the checker and can be committed." in html
    preview = html.split('class="try-preview" lang="sv"', 1)[1]
    # the supplier's own markup: a labelled text input and a yes/no fieldset of radios
    assert re.search(r'<label for="company">Företagets namn <span class="required">'
                     r'\(obligatorisk\)</span></label>', preview)
    assert '<input type="text" id="company" name="company"' in preview
    assert "<legend>Har ni en uppförandekod?" in preview
    assert 'type="radio" id="policy-0" name="policy" value="yes"' in preview
    assert 'id="policy-help">Svara ja eller nej.' in preview
    english = _post(client, yaml=GOOD, preview_lang="en").get_data(as_text=True)
    assert "<legend>Do you have a code of conduct?" in english.split("try-preview", 1)[1]
    textarea = re.search(r'<textarea id="try-yaml"[^>]*>(.*?)</textarea>', html, re.S).group(1)
    assert "Företagets namn" in textarea  # the uploaded text can be edited and checked again


def test_hostile_markup_in_the_yaml_is_escaped(client):
    hostile = GOOD.replace("Company name", '<script>alert(1)</script>') + \
        "# <img src=x onerror=alert(2)>\n"
    html = _post(client, yaml=hostile, preview_lang="en").get_data(as_text=True)
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html
    tagged = _post(client, yaml="id: !!python/object:os.system x\n").get_data(as_text=True)
    assert "<code>Y103</code>" in tagged


def test_wrong_file_type_size_and_empty_text_are_refused(client):
    upload = (io.BytesIO(b"id: x"), "notes.txt")
    refused = _post(client, file=upload)
    assert refused.status_code == 400
    assert "Upload a file whose name ends in .yaml or .yml." in refused.get_data(as_text=True)
    big = _post(client, yaml="# x\n" * 110_000)
    assert big.status_code == 400 and "at most 400 kB" in big.get_data(as_text=True)
    assert _post(client, yaml="  ").status_code == 400


def test_a_file_of_the_folder_opens_with_its_errors(make_app):
    good = questionnaire_yaml("- {id: name, type: text, label: {sv: Namn, en: Name}}")
    app = make_app({"good.yaml": good, "broken.yaml": good.replace("type: text", "type: txt")})
    client = signed_in(app)
    html = client.get("/questionnaires/try?file=broken.yaml&lang=en").get_data(as_text=True)
    assert "<code>S203</code>" in html and 'id="line-9" class="bad"' in html
    assert client.get("/questionnaires/try?file=../pyproject.toml").status_code == 404


def test_the_page_is_for_staff(app):
    anonymous = app.test_client()
    response = anonymous.get("/questionnaires/try")
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]
    assert anonymous.post("/questionnaires/try", data={"yaml": GOOD}).status_code in (400, 401)


def test_missing_translations_still_allow_a_preview(client):
    only_swedish = GOOD.replace(", en: Company name}", "}")
    html = _post(client, yaml=only_swedish, preview_lang="en").get_data(as_text=True)
    assert "<code>T400</code>" in html
    assert "Shown although translations are missing" in html
    assert '<label for="company">Företagets namn' in html.split("try-preview", 1)[1]


def test_a_refused_file_keeps_the_pasted_text(client):
    """The text box is kept when the file chosen with it cannot be used."""
    pasted = "id: mitt-formular\nversion: 1\n"
    for name, raw in (("notes.txt", b"id: x"), ("latin1.yaml", "titel: Åtgärd".encode("latin-1"))):
        refused = _post(client, yaml=pasted, file=(io.BytesIO(raw), name))
        assert refused.status_code == 400
        assert "id: mitt-formular\nversion: 1\n</textarea>" in refused.get_data(as_text=True)
