"""The `kedjekoll` command: check, score, schema, ast."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import ROOT, questionnaire_yaml
from tests.definitions.test_cases import PASSING, SCORED, line_of
from webapp.cli import main

GOOD = questionnaire_yaml("- {id: name, type: text, label: {sv: Namn, en: Name}}")
BAD = questionnaire_yaml("""\
    - id: name
      type: text
      label: {sv: Namn}
      colour: red
    """)


def test_check_reports_every_error_with_place_and_exits_1(tmp_path: Path):
    (tmp_path / "good.yaml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "bad.yaml").write_text(BAD, encoding="utf-8")
    (tmp_path / "worse.yml").write_text("id: [", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(tmp_path)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[:2] == [f"{tmp_path}/bad.yaml:11:16: T400 missing translation: en",
                         f"{tmp_path}/bad.yaml:12:9: S200 unknown key 'colour'"]
    assert lines[2].startswith(f"{tmp_path}/worse.yml:") and " Y100 " in lines[2]
    assert lines[3:] == ["3 errors in 2 of 3 files"]


def test_check_clean_files_exit_0(tmp_path: Path):
    (tmp_path / "good.yaml").write_text(GOOD, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(tmp_path / "good.yaml")])
    assert result.exit_code == 0
    assert result.output == "1 file checked, no errors\n"


def test_check_finds_a_duplicate_questionnaire_id(tmp_path: Path):
    (tmp_path / "a.yaml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(GOOD, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(tmp_path)])
    assert result.exit_code == 1
    assert f"{tmp_path}/b.yaml:1:5: Q300 questionnaire id 't' is also used by " \
           f"{tmp_path}/a.yaml" in result.output


def test_check_defaults_to_the_shipped_questionnaires():
    result = subprocess.run([sys.executable, "-m", "webapp.cli", "check"], cwd=ROOT,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    files = len(list((ROOT / "questionnaires").glob("*.yaml")))
    case_files = len(list((ROOT / "questionnaires").glob("*.cases.yaml")))
    summary = result.stdout.strip()
    assert summary.startswith(f"{files} files checked") and summary.endswith(", no errors")
    assert ("test case" in summary) == bool(case_files), summary


def test_check_runs_the_cases_beside_a_questionnaire(tmp_path: Path):
    (tmp_path / "t.yaml").write_text(SCORED, encoding="utf-8")
    (tmp_path / "t.cases.yaml").write_text(PASSING, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(tmp_path / "t.yaml")])
    assert result.exit_code == 0, result.output
    assert result.output == "2 files checked (8 test cases), no errors\n"
    failing = PASSING.replace("expect: {rating: medium, flags: [long_hours]}",
                              "expect: {rating: low, flags: [long_hours]}")
    (tmp_path / "t.cases.yaml").write_text(failing, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(tmp_path)])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"{tmp_path}/t.cases.yaml:{line_of(failing, 'rating: low, flags: [long')}:14: C709 "
        "case 'Long hours keep it out of low': expected rating low, got medium "
        "(score 100.0; flags: long_hours)",
        "1 error in 1 of 2 files (8 test cases)"]


# ------------------------------------------------------------------ kedjekoll score


@pytest.fixture
def scoring(tmp_path: Path):
    """Run `kedjekoll score` on the SCORED questionnaire with answers and grades."""
    questionnaire = tmp_path / "t.yaml"
    questionnaire.write_text(SCORED, encoding="utf-8")

    def run(answers, grades=None, text: str | None = None):
        (tmp_path / "answers.json").write_text(
            text if text is not None else json.dumps(answers), encoding="utf-8")
        args = ["score", str(questionnaire), str(tmp_path / "answers.json")]
        if grades is not None:
            (tmp_path / "grades.json").write_text(json.dumps(grades), encoding="utf-8")
            args += ["--grades", str(tmp_path / "grades.json")]
        return CliRunner().invoke(main, args)

    return run


BEST = {"role": "maker", "fees": "no", "hours": 48,
        "tiers": [{"country": "MY", "region": "MY-10"}], "story": "We audit every tier."}


@pytest.mark.parametrize(("change", "grades", "printed"), [
    ({}, {"story": 4},
     '{"score": 100.0, "provisional": false, "rating": "low", "flags": []}'),
    ({"fees": "yes"}, {"story": 4},  # a red flag: the highest-risk band, whatever the score
     '{"score": 66.7, "provisional": true, "rating": "high", '
     '"flags": [{"id": "fees_paid", "severity": "red"}]}'),
    ({"tiers": [{"country": "CN", "region": "CN-XJ"}]}, {"story": 4},
     '{"score": 100.0, "provisional": false, "rating": "high", '
     '"flags": [{"id": "xinjiang", "severity": "red"}]}'),
    ({"hours": 65}, {"story": 4},  # amber: out of the lowest band
     '{"score": 100.0, "provisional": false, "rating": "medium", '
     '"flags": [{"id": "long_hours", "severity": "amber"}]}'),
    ({"hours": 80}, {"story": 4},  # amber naming a band
     '{"score": 100.0, "provisional": false, "rating": "high", '
     '"flags": [{"id": "long_hours", "severity": "amber"}, '
     '{"id": "very_long_hours", "severity": "amber"}]}'),
    ({"role": "seller"}, {"story": 4},  # `rating: none`: shown, the score decides
     '{"score": 66.7, "provisional": false, "rating": "medium", '
     '"flags": [{"id": "reseller", "severity": "red"}]}'),
    ({}, {"story": 2},  # grades change the score
     '{"score": 83.3, "provisional": false, "rating": "low", "flags": []}'),
    ({}, None,  # provisional until every rubric question shown is graded
     '{"score": 100.0, "provisional": true, "rating": "low", "flags": []}'),
    ({"fees": "yes", "remedy": "Repaid in full"}, {"story": 4, "remedy": 0},
     '{"score": 50.0, "provisional": false, "rating": "high", '
     '"flags": [{"id": "fees_paid", "severity": "red"}]}'),
])
def test_score_prints_the_verdict_as_json(scoring, change, grades, printed):
    result = scoring({**BEST, **change}, grades)
    assert result.exit_code == 0, result.output
    assert result.stdout == printed + "\n"
    assert list(json.loads(result.stdout)) == ["score", "provisional", "rating", "flags"]


def test_score_drops_answers_to_hidden_questions(scoring):
    """`remedy` is hidden while no fees were paid: its answer does not count."""
    result = scoring({**BEST, "remedy": "Nothing to repay"}, {"story": 4})
    assert json.loads(result.stdout)["score"] == 100.0


def test_score_without_bands_rates_null(tmp_path: Path):
    (tmp_path / "q.yaml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "a.json").write_text('{"name": "Acme"}', encoding="utf-8")
    result = CliRunner().invoke(main, ["score", str(tmp_path / "q.yaml"),
                                       str(tmp_path / "a.json")])
    assert result.stdout == '{"score": null, "provisional": false, "rating": null, ' \
                            '"flags": []}\n'


@pytest.mark.parametrize(("answers", "grades", "message"), [
    ({"rol": "maker"}, None, "answers.json: no question 'rol' in questionnaire 't'; "
                             "did you mean 'role'?"),
    ({"role": "buyer"}, None, "answers.json: answer to 'role' is \"buyer\": Choose one of "
                              "the options. (options: maker, seller)"),
    ({"hours": "sixty"}, None, "answers.json: answer to 'hours' is \"sixty\": Enter a "
                               "number, such as 12 or 12.5."),
    ({"tiers": [{"country": "SE", "region": "CN-XJ"}]}, None,
     "answers.json: answer to 'tiers' (row 1, column 'region') is \"CN-XJ\": Choose a "
     "region of the chosen country."),
    ({"tiers": {"country": "SE"}}, None, "answers.json: answer to 'tiers' is "
                                         "{\"country\": \"SE\"}: The answer is not of "
                                         "the right kind."),
    ({}, {"story": 3}, "grades.json: grade of 'story' is 3: not a level of rubric "
                       "'process' (levels: 0, 2, 4)"),
    ({}, {"role": 2}, "grades.json: no rubric question 'role' in questionnaire 't'"),
])
def test_score_refuses_answers_and_grades_it_cannot_use(scoring, answers, grades, message):
    result = scoring(answers, grades)
    assert result.exit_code == 1 and result.stdout == ""
    assert [line.rsplit("/", 1)[-1] for line in result.stderr.splitlines()] == [message]


def test_score_reports_bad_json_and_a_broken_questionnaire(scoring, tmp_path: Path):
    result = scoring(None, text='{"role": "maker",}')
    assert result.exit_code == 1
    assert result.stderr.endswith("answers.json:1:18: not valid JSON: Expecting property "
                                  "name enclosed in double quotes\n")
    result = scoring(None, text='["maker"]')
    assert result.exit_code == 1 and "expected a JSON object" in result.stderr
    (tmp_path / "bad.yaml").write_text(BAD, encoding="utf-8")
    result = CliRunner().invoke(main, ["score", str(tmp_path / "bad.yaml"),
                                       str(tmp_path / "answers.json")])
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.splitlines() == [
        f"{tmp_path}/bad.yaml:11:16: T400 missing translation: en",
        f"{tmp_path}/bad.yaml:12:9: S200 unknown key 'colour'"]


def test_score_help_describes_the_output():
    result = CliRunner().invoke(main, ["score", "--help"])
    assert result.exit_code == 0
    for words in ("QUESTIONNAIRE ANSWERS", '{"score": 83.1, "provisional": false',
                  "--grades FILE", "lists of row objects", "Exits 1"):
        assert words in result.output


def test_schema_check_detects_a_stale_file(tmp_path: Path):
    target = tmp_path / "questionnaire.schema.json"
    runner = CliRunner()
    assert runner.invoke(main, ["schema", "--check", "--dir", str(tmp_path)]).exit_code == 1
    assert runner.invoke(main, ["schema", "--dir", str(tmp_path)]).exit_code == 0
    result = runner.invoke(main, ["schema", "--check", "--dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    schema = json.loads(target.read_text(encoding="utf-8"))
    assert schema["properties"]["version"]["description"].startswith("Bump it")
    exported = json.loads((tmp_path / "response.schema.json").read_text(encoding="utf-8"))
    assert exported["title"] == "Kedjekoll campaign export"
    target.write_text(target.read_text(encoding="utf-8").replace("Bump it", "Raise it"))
    assert runner.invoke(main, ["schema", "--check", "--dir", str(tmp_path)]).exit_code == 1
    assert runner.invoke(main, ["schema", "--dir", str(tmp_path)]).exit_code == 0
    response_file = tmp_path / "response.schema.json"
    response_file.write_text(response_file.read_text().replace("due-diligence score", "sum"))
    result = runner.invoke(main, ["schema", "--check", "--dir", str(tmp_path)])
    assert result.exit_code == 1 and "response.schema.json is stale" in result.output


def test_ast_prints_json_or_a_coded_error():
    runner = CliRunner()
    result = runner.invoke(main, ["ast", 'count(tiers) > 2'])
    assert result.exit_code == 0
    assert json.loads(result.output) == {"op": ">", "args": [
        {"call": "count", "args": [{"ref": "tiers"}]}, {"lit": 2}]}
    result = runner.invoke(main, ["ast", "a = 1"])
    assert result.exit_code == 1 and "E500" in result.output


def test_help_lists_the_commands():
    result = CliRunner().invoke(main, ["--help"])
    for command in ("check", "score", "schema", "serve", "ast", "export"):
        assert f"  {command} " in result.output


def test_serve_refuses_to_start_without_a_secret_key(tmp_path: Path):
    env = {"PATH": "/usr/bin:/bin", "KEDJEKOLL_RESPONSES_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-m", "webapp.cli", "serve", "--port", "1"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
                            check=False)
    assert result.returncode == 2
    assert "KEDJEKOLL_SECRET_KEY is not set" in result.stderr


def test_db_upgrade_demo_and_link(tmp_path: Path):
    env = {"PATH": "/usr/bin:/bin", "KEDJEKOLL_RESPONSES_DIR": str(tmp_path)}

    def run(*args):
        return subprocess.run([sys.executable, "-m", "webapp.cli", *args], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=120, check=False)

    upgraded = run("db", "upgrade")
    assert upgraded.returncode == 0 and "database is up to date" in upgraded.stdout
    assert (tmp_path / "kedjekoll.sqlite3").exists()
    loaded = run("demo")
    assert loaded.returncode == 0, loaded.stderr
    assert "admin@kedjekoll.example  password: demo-admin-2026" in loaded.stdout
    links = [line for line in loaded.stdout.splitlines() if "/i/" in line]
    assert len(links) >= 3 and all(len(line.rsplit("/i/", 1)[1]) >= 43 for line in links)
    again = run("demo")
    assert again.returncode == 0 and "already holds data" in again.stdout
    refused = run("link", "1")  # a production server prints no link to 127.0.0.1 (S16)
    assert refused.returncode == 2 and "set KEDJEKOLL_BASE_URL" in refused.stderr
    env["KEDJEKOLL_BASE_URL"] = "https://kedjekoll.region.example/"
    fresh = run("link", "1")
    assert fresh.returncode == 0 and "https://kedjekoll.region.example/i/" in fresh.stdout
    assert run("link", "99999").returncode == 1
