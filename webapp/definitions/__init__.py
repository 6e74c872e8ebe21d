"""Questionnaire definitions: the YAML format, its checker, conditions and scoring.

Pure Python: nothing here imports Flask.
"""

from .catalogue import Catalogue
from .checker import CheckResult, check_file, check_paths, check_text, load_file
from .models import Flag, Questionnaire, Rating, Rubric, Section
from .problems import CODES, DefinitionError, Problem

__all__ = [
    "CODES", "Catalogue", "CheckResult", "DefinitionError", "Flag", "Problem",
    "Questionnaire", "Rating", "Rubric", "Section", "check_file", "check_paths",
    "check_text", "load_file",
]
