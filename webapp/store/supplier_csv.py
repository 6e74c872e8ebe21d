"""Reading a supplier list from CSV as staff really have it.

UTF-8 with or without a byte-order mark, or Excel's Swedish CSV (semicolons, often
Windows-1252); headers in Swedish or English, in any case. The parser never guesses
silently: every row it cannot use comes back as a problem with its line number, and
the encoding and separator it chose are reported.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

import pycountry

from ..definitions.characters import character_name, control_character, without_control

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 10_000

#: field -> accepted headers, compared after `_normal` (lower case, no punctuation)
HEADERS: dict[str, tuple[str, ...]] = {
    "org_number": ("organisationsnummer", "org nr", "orgnr", "org nummer", "org number",
                   "organisation number", "organization number", "registration number"),
    "name": ("leverantör", "leverantörsnamn", "namn", "företag", "name", "supplier",
             "supplier name", "company"),
    "country": ("land", "landkod", "country", "country code"),
    "contact_name": ("kontaktperson", "kontakt", "kontaktnamn", "contact", "contact name"),
    "contact_email": ("e post", "epost", "e postadress", "kontakt e post", "email", "e mail",
                      "contact email", "contact e mail"),
    "contact_language": ("språk", "kontaktspråk", "language", "contact language"),
    "agreement": ("ramavtal", "avtal", "avtalsreferens", "agreement", "framework agreement",
                  "agreement reference", "contract"),
}
REQUIRED = ("org_number", "name")
LANGUAGES = ("sv", "en")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")

#: problem code -> what is wrong, in English (the web app shows its own translations)
PROBLEMS: dict[str, str] = {
    "empty_file": "the file holds no rows",
    "too_large": "the file is larger than 2 MB",
    "too_many_rows": "the file has more than 10,000 rows",
    "missing_column": "a required column is missing",
    "unknown_column": "a column header is not recognised",
    "repeated_column": "two columns mean the same",
    "extra_values": "the row has more values than there are columns",
    "no_org_number": "the organisation number is missing",
    "no_name": "the supplier name is missing",
    "bad_email": "the e-mail address is not valid",
    "no_email": "a contact needs an e-mail address",
    "unknown_country": "not an ISO 3166 two-letter country code",
    "bad_language": "the language must be sv or en",
    "duplicate_org_number": "the organisation number is already on an earlier line with "
                            "another name or country",
    "duplicate_row": "the same supplier and contact are already on an earlier line",
    "unknown_agreement": "no framework agreement has this reference",
    "control_character": "a value holds a control character (in brackets); remove it",
}


@dataclass(frozen=True)
class Row:
    """One usable line of the file."""

    line: int
    org_number: str
    name: str
    country: str
    contact_name: str
    contact_email: str
    contact_language: str
    agreement: str


@dataclass(frozen=True, order=True)
class RowProblem:
    """A line that cannot be used, and why (`code` is a key of PROBLEMS)."""

    line: int
    code: str
    value: str = ""

    def describe(self) -> str:
        """What is wrong, in English, with the offending value."""
        return PROBLEMS[self.code] + (f": {self.value}" if self.value else "")


@dataclass
class ParsedFile:
    """The rows that can be imported, the problems, and how the file was read."""

    text: str
    encoding: str = "utf-8"
    delimiter: str = ","
    rows: list[Row] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)


def decode(raw: bytes) -> tuple[str, str]:
    """The text of the file and the encoding used: UTF-8 (BOM or not), else Windows-1252."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace"), "UTF-8 (BOM)"
    try:
        return raw.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace"), "Windows-1252"


def parse_bytes(raw: bytes) -> ParsedFile:
    """Parse an uploaded file (see `decode` for the encodings accepted)."""
    if len(raw) > MAX_BYTES:
        return ParsedFile("", problems=[RowProblem(1, "too_large")])
    text, encoding = decode(raw)
    parsed = parse_text(text)
    parsed.encoding = encoding
    return parsed


def _normal(header: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", header.strip().lower()).split())


_BY_HEADER = {_normal(alias): name for name, aliases in HEADERS.items() for alias in aliases}
_BY_HEADER.update({_normal(name): name for name in HEADERS})


def _delimiter(first_line: str) -> str:
    try:
        return csv.Sniffer().sniff(first_line, delimiters=";,\t").delimiter
    except csv.Error:
        return max(";,\t", key=first_line.count) if first_line else ","


def parse_text(text: str) -> ParsedFile:
    """Parse decoded CSV text: header line first, then one supplier (and contact) a line."""
    text = text.lstrip("\ufeff")
    first = text.split("\n", 1)[0]
    parsed = ParsedFile(text, delimiter=_delimiter(first))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=parsed.delimiter)
    header = next(reader, None)
    if header is None or not any(cell.strip() for cell in header):
        parsed.problems.append(RowProblem(1, "empty_file"))
        return parsed
    columns: list[str | None] = []
    for cell in header:
        name = _BY_HEADER.get(_normal(cell))
        if name is None and cell.strip():
            parsed.problems.append(RowProblem(1, "unknown_column", cell.strip()))
        elif name is not None and name in columns:
            parsed.problems.append(RowProblem(1, "repeated_column", cell.strip()))
            name = None
        columns.append(name)
    missing = [name for name in REQUIRED if name not in columns]
    for name in missing:
        parsed.problems.append(RowProblem(1, "missing_column", HEADERS[name][0]))
    if missing:
        return parsed
    seen: dict[str, tuple[int, str, str]] = {}
    pairs: set[tuple[str, str, str]] = set()
    count = 0
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        if not any(cell.strip() for cell in cells):
            continue
        count += 1
        if count > MAX_ROWS:
            parsed.problems.append(RowProblem(line, "too_many_rows"))
            break
        row, problems = _row(line, columns, cells)
        if row is not None:
            earlier = seen.get(row.org_number)
            if earlier and (earlier[1].casefold(), earlier[2]) != (row.name.casefold(),
                                                                  row.country):
                problems.append(RowProblem(line, "duplicate_org_number",
                                           f"{row.org_number} ({earlier[0]})"))
            key = (row.org_number, row.contact_email.lower(), row.agreement)
            if not problems and key in pairs:
                problems.append(RowProblem(line, "duplicate_row", row.org_number))
        if problems:
            parsed.problems += problems
            continue
        assert row is not None
        seen.setdefault(row.org_number, (line, row.name, row.country))
        pairs.add((row.org_number, row.contact_email.lower(), row.agreement))
        parsed.rows.append(row)
    if not parsed.rows and not parsed.problems:
        parsed.problems.append(RowProblem(2, "empty_file"))
    parsed.problems.sort()
    return parsed


def normal_org_number(raw: str) -> str:
    """Spaces removed; a Swedish ten-digit number written NNNNNN-NNNN."""
    value = "".join(raw.split())
    if value.isdigit() and len(value) == 10:
        return f"{value[:6]}-{value[6:]}"
    return value


def _row(line: int, columns: list[str | None], cells: list[str]
         ) -> tuple[Row | None, list[RowProblem]]:
    problems: list[RowProblem] = _controls(line, columns, cells)
    if len(cells) > len(columns) and any(c.strip() for c in cells[len(columns):]):
        problems.append(RowProblem(line, "extra_values", "; ".join(cells[len(columns):])))
    values = {name: cell.strip() for name, cell in zip(columns, cells, strict=False) if name}
    org_number = normal_org_number(values.get("org_number", ""))
    if not org_number:
        problems.append(RowProblem(line, "no_org_number"))
    name = " ".join(values.get("name", "").split())
    if not name:
        problems.append(RowProblem(line, "no_name"))
    country = values.get("country", "").upper() or "SE"
    if len(country) != 2 or pycountry.countries.get(alpha_2=country) is None:
        problems.append(RowProblem(line, "unknown_country", values.get("country", "")))
    email = values.get("contact_email", "").lower()
    contact = " ".join(values.get("contact_name", "").split())
    if email and (len(email) > 254 or not _EMAIL.fullmatch(email)):
        problems.append(RowProblem(line, "bad_email", values.get("contact_email", "")))
    elif contact and not email:
        problems.append(RowProblem(line, "no_email", contact))
    language = values.get("contact_language", "").lower() or "sv"
    if language not in LANGUAGES:
        problems.append(RowProblem(line, "bad_language", values.get("contact_language", "")))
    if problems:
        return None, problems
    return Row(line, org_number, name[:300], country, contact[:200] or email, email,
               language, values.get("agreement", "")), []


def _controls(line: int, columns: list[str | None], cells: list[str]) -> list[RowProblem]:
    """A problem per value holding a control character (R9): refused on every database
    alike, shown as the value without it and the character's code, to find in the file."""
    problems = []
    for name, cell in zip(columns, cells, strict=False):
        found = control_character(cell.strip()) if name else None
        if found:
            shown = f"{without_control(cell).strip()} ({character_name(found, 'en')})"
            problems.append(RowProblem(line, "control_character", shown))
    return problems
