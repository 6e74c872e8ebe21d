"""The wheel runs outside the repository: built offline, installed into a folder of its
own, it migrates a database, serves Swedish pages under gunicorn (the compiled catalogue
is in the wheel) and finds the questionnaires it ships."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT
from tests.runtime.conftest import BIN, environment, free_port

PIP = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet"]


def run(args: list[str], **options) -> str:
    result = subprocess.run(args, capture_output=True, text=True, check=False, **options)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_the_installed_wheel_serves_swedish(tmp_path, serve):
    source = tmp_path / "source"  # a clean copy: no compiled catalogue, no build leftovers
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    for folder in ("webapp", "questionnaires"):
        shutil.copytree(ROOT / folder, source / folder,
                        ignore=shutil.ignore_patterns("*.mo", "__pycache__"))
    run([*PIP, "wheel", "--no-deps", "--no-build-isolation", "--no-index",
         "--wheel-dir", str(tmp_path / "dist"), str(source)], cwd=source)
    wheel = next((tmp_path / "dist").glob("kedjekoll-*.whl"))
    target = tmp_path / "site"
    run([*PIP, "install", "--no-deps", "--no-index", "--target", str(target), str(wheel)])

    elsewhere = tmp_path / "elsewhere"  # the working folder: not the repository
    elsewhere.mkdir()
    env = environment(elsewhere, PYTHONPATH=str(target),
                      KEDJEKOLL_BASE_URL="https://kedjekoll.region.example",
                      KEDJEKOLL_RATELIMIT_STORAGE_URI="memory://")
    where = run([sys.executable, "-c",
                 "import webapp; from webapp.config import defaults; "
                 "from webapp.definitions import Catalogue; from webapp.cli import main; "
                 "folder = defaults()['QUESTIONNAIRES_DIR']; "
                 "print(webapp.__file__); print(folder); print(len(Catalogue.load(folder))); "
                 "main(['db', 'upgrade'], standalone_mode=False)"],
                cwd=elsewhere, env=env).splitlines()
    assert Path(where[0]).is_relative_to(target) and not Path(where[0]).is_relative_to(ROOT)
    assert Path(where[1]) == target / "webapp" / "questionnaires"
    shipped = {p.name for p in (ROOT / "questionnaires").glob("*.yaml")
               if not p.name.endswith(".cases.yaml")}
    assert int(where[2]) == len(shipped)
    assert where[3].startswith("database is up to date")

    port = free_port()
    server = serve([str(BIN / "gunicorn"), "-c", "python:webapp.server", "--bind",
                    f"127.0.0.1:{port}", "--workers", "1", "--no-control-socket",
                    "webapp:create_app()"], env, cwd=elsewhere)
    server.wait_until_up()
    swedish = server.get("/staff/login?lang=sv")
    assert swedish.status == 200
    assert "Logga in" in swedish.body and "Sign in" not in swedish.body
    assert "Sign in" in server.get("/staff/login?lang=en").body
