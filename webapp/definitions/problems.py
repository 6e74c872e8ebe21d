"""Coded authoring errors: every mistake in a questionnaire file has a code and a place.

Test-case files (`<stem>.cases.yaml`, see `cases.py`) have codes of their own (`C7xx`).

The catalogue below is the single list of codes. `questionnaires/README.md` documents
the same list, and a test keeps the two equal.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: code -> one-line description, as documented in questionnaires/README.md
CODES: dict[str, str] = {
    # Reading YAML
    "Y100": "the file is not valid YAML",
    "Y101": "a key appears twice in the same mapping",
    "Y102": "anchors and aliases (&name, *name) are not allowed",
    "Y103": "explicit tags such as !!python/object are not allowed",
    "Y104": "the file must hold exactly one YAML document",
    "Y105": "text was expected, but YAML reads this unquoted value as a number or boolean",
    # Structure
    "S200": "unknown key",
    "S201": "a required key is missing",
    "S202": "wrong kind of value",
    "S203": "value not among the allowed ones",
    "S204": "value out of range, too short or too long",
    "S205": "value not in the required format",
    # Questions
    "Q300": "duplicate id",
    "Q301": "constraints contradict each other (a minimum above its maximum, and the like)",
    "Q302": "invalid regular expression",
    "Q303": "an error message is given for a constraint this question does not have",
    "Q304": "invalid date",
    "Q305": "a region question must name a country question it depends on",
    "Q306": "an option may not use the value reserved for 'other'",
    "Q307": "file type not allowed for evidence uploads",
    "Q308": "a table and column id that would clash with a fixed column of the tables export",
    # Text
    "T400": "a translation is missing",
    "T401": "text in a language the questionnaire does not declare",
    # Expressions
    "E500": "expression syntax error",
    "E501": "unknown question or column id",
    "E502": "value not among the question's options",
    "E503": "type mismatch",
    "E504": "conditions depend on each other in a cycle",
    "E505": "unknown function or wrong arguments",
    # Scoring and flags
    "P600": "unknown rubric",
    "P601": "points and a rubric on the same question",
    "P602": "rating bands must have distinct minimums and one starting at 0",
    "P603": "unknown rating band",
    "P604": "points given for an answer the question cannot have",
    # Test cases (<stem>.cases.yaml)
    "C700": "unknown key in a test-case file",
    "C701": "a required key of a test-case file is missing",
    "C702": "wrong kind of value in a test-case file",
    "C703": "the questionnaire of a test-case file is missing or has another id",
    "C704": "two test cases have the same name",
    "C705": "a test case answers or grades a question the questionnaire does not have",
    "C706": "a test case gives an answer the question cannot have",
    "C707": "a test case gives a grade that is not a level of the question's rubric",
    "C708": "a test case expects a flag or rating band the questionnaire does not have",
    "C709": "a test case's expectation is not met",
}


Path = tuple[str | int, ...]


@dataclass(frozen=True, order=True)
class Problem:
    """One error found in a questionnaire file, placed by line and column (1-based)."""

    line: int
    column: int
    code: str
    message: str
    file: str = field(default="", compare=False)

    def format(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.code} {self.message}"


@dataclass(frozen=True)
class PathProblem:
    """A problem found on the loaded data, before it is placed in the file."""

    code: str
    message: str
    path: Path
    offset: int | None = None  # character offset inside a scalar (expressions)
    at_key: bool = False  # place at the key rather than its value


class DefinitionError(Exception):
    """Raised when a questionnaire file has errors; carries all of them."""

    def __init__(self, file: str, problems: list[Problem]):
        self.file = file
        self.problems = sorted(problems)
        super().__init__("\n".join(p.format() for p in self.problems))
