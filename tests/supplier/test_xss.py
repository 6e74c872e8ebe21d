"""S1: markup in every questionnaire text and every answer is shown escaped on every page."""

from __future__ import annotations

from tests.conftest import questionnaire_yaml
from tests.factories import make_campaign
from tests.supplier.conftest import SupplierClient
from webapp.definitions import check_text
from webapp.store.db import unit_of_work
from webapp.supplier.limits import limiter

P = "<script>alert(1)</script><img src=x onerror=alert(2)>"
Q = P.replace('"', "")


def hostile_questionnaire() -> str:
    text = questionnaire_yaml(f"""\
        - id: note
          type: note
          label: "{Q}"
          text: "{Q} [link](javascript:alert(3))"
        - id: name
          type: text
          label: "{Q}"
          help: "{Q}"
          messages: {{required: "{Q}"}}
          required: true
        - id: hours
          type: number
          label: "{Q}"
          unit: "{Q}"
        - id: pick
          type: choice
          label: "{Q}"
          other: true
          other_label: "{Q}"
          options: [{{value: a, label: "{Q}"}}]
        - id: many
          type: multichoice
          label: "{Q}"
          options: [{{value: a, label: "{Q}"}}]
        - id: tb
          type: table
          label: "{Q}"
          columns: [{{id: c, type: text, label: "{Q}"}}]
        """)
    return (text.replace("title: {sv: Test, en: Test}",
                         f'title: "{Q}"\nintro: "{Q}"')
            .replace("title: {sv: Avsnitt, en: Section}", f'title: "{Q}"\n    intro: "{Q}"'))


def test_every_text_and_answer_is_escaped_on_every_page(make_app):
    source = hostile_questionnaire()
    q = check_text(source).questionnaire
    assert q is not None, check_text(source).problems
    app = make_app({"hostile.yaml": source}, WTF_CSRF_ENABLED=True)
    limiter.reset()
    with unit_of_work(app.extensions["kedjekoll.sessions"]) as session:
        _, [(_, token)] = make_campaign(session, q)
    from tests.supplier.conftest import Site

    client = SupplierClient(Site(app, [token], [1], q), token)
    saved = client.save("s", {"name": P, "pick": "other", "pick.other": P, "tb": [{"c": P}]})
    assert saved.status_code in (303, 422)
    from tests.conftest import signed_in

    staff = signed_in(app)
    pages = ["/supplier/", "/supplier/section/s", "/supplier/check", "/supplier/print",
             "/questionnaires/t", "/"]
    for path in pages:
        html = (staff.get(path).get_data(as_text=True) if not path.startswith("/supplier")
                else client.page(path))
        assert "<script>alert" not in html, path
        assert "<img src=x" not in html and 'href="javascript' not in html, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html or path == "/", path
