"""The `kedjekoll` command: check, schema, ast."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from tests.conftest import ROOT, questionnaire_yaml
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
    assert result.stdout.strip() == "3 files checked, no errors"


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
    response_file.write_text(response_file.read_text().replace("Total score", "Sum"))
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
    for command in ("check", "schema", "serve", "ast", "export"):
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
    fresh = run("link", "1")
    assert fresh.returncode == 0 and "/i/" in fresh.stdout
    assert run("link", "99999").returncode == 1
