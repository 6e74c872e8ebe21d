"""Benchmark: a 60-question section page, rendered and saved, against a bare Flask route.

Run: .venv/bin/python bench/web.py [--repeat 200]

In one process it builds a questionnaire whose first section has 60 questions of mixed
types (a table among them), invites a supplier and, through Flask's test client:

* renders the section page (the WTForms form built from the definition, conditions,
  region lists, translations) vs a bare Flask route returning the same HTML bytes;
* saves the whole section (reading the form, validating, storing 60 answers in one
  transaction, redirecting) vs the same bare route answering a POST.

It prints the median time per request of each, and the ratio.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from webapp import create_app  # noqa: E402
from webapp.definitions import check_text  # noqa: E402
from webapp.definitions.examples import example_answers  # noqa: E402
from webapp.store.db import unit_of_work  # noqa: E402

TYPES = ("text", "textarea", "number", "date", "choice", "yesno", "multichoice", "country",
         "email", "table")


def questionnaire_text(questions: int = 60) -> str:
    lines = ["id: bench-web", "version: 1", "languages: [sv, en]",
             "title: {sv: Prestanda, en: Performance}", "sections:",
             "  - id: big", "    title: {sv: Stort avsnitt, en: Big section}", "    questions:"]
    for n in range(questions):
        kind = TYPES[n % len(TYPES)]
        head = f"      - {{id: q{n}, type: {kind}, label: {{sv: Fråga {n}, en: Question {n}}}"
        if kind in ("choice", "multichoice"):
            head += ", options: [{value: a, label: A}, {value: b, label: B}, {value: c, label: C}]"
        if kind == "yesno":
            head += ", dont_know: true"
        if kind == "number":
            head += ", min: 0, max: 100"
        if n % 7 == 3:
            head += f", show_if: 'answered(q{n - 1})'"
        if kind == "table":
            head += (", columns: [{id: company, type: text, label: Company}, "
                     "{id: country, type: country, label: Country}, "
                     "{id: region, type: region, country: country, label: Region}]")
        lines.append(head + "}")
    lines += ["  - id: end", "    title: {sv: Slut, en: End}", "    questions:",
              "      - {id: done, type: yesno, label: {sv: Klart?, en: Done?}}"]
    return "\n".join(lines) + "\n"


def median_ms(fn, repeat: int) -> float:
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="kedjekoll-web-"))
    (folder / "questionnaires").mkdir()
    text = questionnaire_text()
    (folder / "questionnaires" / "bench-web.yaml").write_text(text, encoding="utf-8")
    q = check_text(text).questionnaire
    app = create_app({"TESTING": True, "RESPONSES_DIR": folder,
                      "QUESTIONNAIRES_DIR": folder / "questionnaires"})
    sys.path.insert(0, str(ROOT / "tests"))
    from tests.factories import make_campaign

    with unit_of_work(app.extensions["kedjekoll.sessions"]) as session:
        _, [(_, token)] = make_campaign(session, q)
    client = app.test_client()
    client.get(f"/i/{token}")
    page = client.get("/supplier/section/big")
    html = page.get_data()
    assert page.status_code == 200 and html.count(b'class="question ') == 60

    answers = example_answers(q, random.Random(1), files_for=lambda _q: [])
    with app.test_request_context():
        from tests.supplier.conftest import form_data

        data = form_data(q, q.sections[0], answers)
    data["action"] = "save"

    def render():
        assert client.get("/supplier/section/big").status_code == 200

    def save():
        current = client.get("/supplier/section/big").get_data(as_text=True)
        version = re.search(r'name="draft_version"[^>]*value="(\d+)"', current).group(1)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', current).group(1)
        response = client.post("/supplier/section/big",
                               data=dict(data, draft_version=version, csrf_token=csrf))
        assert response.status_code == 303, response.status_code

    bare = Flask("bare")

    @bare.route("/", methods=["GET", "POST"])
    def same_bytes():
        return html

    bare_client = bare.test_client()

    def bare_get():
        assert bare_client.get("/").status_code == 200

    def bare_get_and_post():
        bare_client.get("/")
        bare_client.post("/", data=data)

    ours_render = median_ms(render, args.repeat)
    base_render = median_ms(bare_get, args.repeat)
    ours_save = median_ms(save, max(20, args.repeat // 4))
    base_save = median_ms(bare_get_and_post, max(20, args.repeat // 4))
    print(f"section of 60 questions, {len(html) / 1024:.0f} kB of HTML")
    print(f"{'':34} {'kedjekoll':>10} {'bare route':>11} {'ratio':>7}")
    print(f"{'render the section page':34} {ours_render:8.2f}ms {base_render:9.2f}ms "
          f"{ours_render / base_render:6.1f}x")
    print(f"{'load and save the whole section':34} {ours_save:8.2f}ms {base_save:9.2f}ms "
          f"{ours_save / base_save:6.1f}x")


if __name__ == "__main__":
    main()
