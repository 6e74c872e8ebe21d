"""Large supplier CSV files as staff export them (tests and benchmarks alike)."""

from __future__ import annotations


def supplier_file(rows: int, agreements: tuple[str, ...] = (), *, prefix: str = "55",
                  renamed: int = 0) -> str:
    """`rows` lines of Excel's Swedish CSV: one supplier in three has a second contact
    line, every fourth line names one of `agreements`. The first `renamed` suppliers get
    another name (an update when a file without it was imported before)."""
    lines = ["Organisationsnummer;Leverantör;Land;Kontaktperson;E-post;Språk;Ramavtal"]
    supplier = 0
    while len(lines) <= rows:
        org = f"{prefix}{supplier:08d}"
        name = f"Leverantör {supplier} AB" + (" (nytt namn)" if supplier < renamed else "")
        country = ("SE", "DE", "MY", "CN")[supplier % 4]
        contacts = 2 if supplier % 3 == 0 else 1
        for n in range(contacts):
            if len(lines) > rows:
                break
            agreement = agreements[supplier % len(agreements)] \
                if agreements and len(lines) % 4 == 0 else ""
            lines.append(f"{org};{name};{country};Kontakt {n} Åberg;"
                         f"k{n}.{supplier}@lev.example;{'sv' if n == 0 else 'en'};{agreement}")
        supplier += 1
    return "\r\n".join(lines) + "\r\n"
