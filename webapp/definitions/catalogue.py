"""All questionnaires of a folder, loaded and checked once at start-up.

Test-case files (`<stem>.cases.yaml`) are not questionnaires: the catalogue skips them
(`kedjekoll check` runs them), so they never show as failed files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .checker import CheckResult, check_paths
from .models import Questionnaire


@dataclass
class Catalogue:
    """The questionnaires found in one folder, by id; files with problems kept apart."""

    folder: Path
    questionnaires: dict[str, Questionnaire] = field(default_factory=dict)
    files: dict[str, Path] = field(default_factory=dict)
    failed: list[CheckResult] = field(default_factory=list)

    @classmethod
    def load(cls, folder: str | Path) -> Catalogue:
        folder = Path(folder)
        catalogue = cls(folder)
        if not folder.is_dir():
            return catalogue
        for result in check_paths([folder], cases=False):
            if result.questionnaire is None:
                catalogue.failed.append(result)
            else:
                catalogue.questionnaires[result.questionnaire.id] = result.questionnaire
                catalogue.files[result.questionnaire.id] = Path(result.file)
        return catalogue

    def get(self, questionnaire_id: str) -> Questionnaire | None:
        return self.questionnaires.get(questionnaire_id)

    def __iter__(self):
        return iter(sorted(self.questionnaires.values(), key=lambda q: q.id))

    def __len__(self) -> int:
        return len(self.questionnaires)
