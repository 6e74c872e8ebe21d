"""Build steps for the wheel and the sdist (pyproject.toml's [tool.setuptools.cmdclass]).

The compiled Swedish catalogue (.mo) is not kept in git, so the wheel compiles it from
the .po with Babel (a build requirement); without it an installed Kedjekoll would
answer every page in English. The wheel also carries the shipped questionnaires (the
top-level questionnaires/ folder, copied to webapp/questionnaires/): an installed
package without KEDJEKOLL_QUESTIONNAIRES_DIR serves those (config.py).

setuptools loads this file by its path while building, before Kedjekoll's dependencies
are installed: it imports only setuptools, Babel and the standard library.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

SOURCE = Path(__file__).resolve().parent.parent  # the checkout, or the unpacked sdist
QUESTIONNAIRES = "questionnaires"


def compile_catalogues(translations: Path) -> list[Path]:
    """Compile every messages.po under `translations` into the .mo beside it."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po in sorted(translations.glob("*/LC_MESSAGES/*.po")):
        with open(po, "rb") as stream:
            catalogue = read_po(stream, locale=po.parent.parent.name)
        mo = po.with_suffix(".mo")
        with open(mo, "wb") as stream:
            write_mo(stream, catalogue)  # fuzzy entries left out, as `pybabel compile`
        written.append(mo)
    return written


def copy_questionnaires(target: Path) -> None:
    """The questionnaires beside pyproject.toml, with their README and test cases."""
    source = SOURCE / QUESTIONNAIRES
    if not source.is_dir():
        raise FileNotFoundError(f"{source} is missing: build from the checkout or the sdist")
    shutil.copytree(source, target, dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__", ".*"))


class BuildPy(build_py):
    """build_py, then the compiled catalogues and the questionnaires into the build."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install runs from the checkout (`make` compiles there)
        package = Path(self.build_lib) / "webapp"
        if not compile_catalogues(package / "translations"):
            raise FileNotFoundError("no .po catalogue found under webapp/translations")
        copy_questionnaires(package / QUESTIONNAIRES)


class SDist(sdist):
    """sdist, with the questionnaires folder a wheel built from it needs."""

    def make_release_tree(self, base_dir: str, files: list[str]) -> None:
        super().make_release_tree(base_dir, files)
        shutil.copytree(SOURCE / QUESTIONNAIRES, Path(base_dir) / QUESTIONNAIRES,
                        dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__"))
