"""Benchmark: loading and checking questionnaires, as a ratio to a bare YAML parse.

Run: .venv/bin/python bench/definitions.py [--repeat N]

For each shipped questionnaire and a generated 1,000-question one, it times
`check_text` (strict YAML, pydantic models, every meaning check) and, in the same
process on the same text, a bare `yaml.safe_load` (PyYAML's default) and a bare
`yaml.load(..., CSafeLoader)` (libyaml). It prints the median times and the ratios.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from webapp.definitions import check_text  # noqa: E402
from webapp.definitions.cases import is_case_file  # noqa: E402


def generated(questions: int = 1000, per_section: int = 50) -> str:
    """A questionnaire with `questions` questions of mixed types and conditions."""
    lines = [
        "id: generated", "version: 1", "languages: [sv, en]",
        "title: {sv: Genererat, en: Generated}",
        "rubrics:", "  process:", "    levels:",
        "      - {points: 0, label: {sv: Saknas, en: Missing}}",
        "      - {points: 3, label: {sv: Bra, en: Good}}",
        "ratings:",
        "  - {id: low, label: {sv: Låg, en: Low}, min_score: 70}",
        "  - {id: high, label: {sv: Hög, en: High}, min_score: 0}",
        "flags:",
        "  - id: xinjiang", "    severity: red",
        '    when: any(q4, region == "CN-XJ")',
        "    message: {sv: Xinjiang, en: Xinjiang}", "    force_rating: high",
        "sections:",
    ]
    for n in range(questions):
        if n % per_section == 0:
            lines += [f"  - id: s{n // per_section}",
                      f"    title: {{sv: Avsnitt {n}, en: Section {n}}}", "    questions:"]
        kind = n % 5
        label = f"label: {{sv: Fråga {n}, en: Question {n}}}"
        if kind == 0:
            lines += [f"      - id: q{n}", "        type: choice", f"        {label}",
                      "        options:",
                      "          - {value: a, label: {sv: A, en: A}, points: 2}",
                      "          - {value: b, label: {sv: B, en: B}, points: 0}"]
        elif kind == 1:
            lines += [f"      - id: q{n}", "        type: yesno", "        dont_know: true",
                      f"        {label}", "        points: {yes: 0, no: 2, dont_know: 0}",
                      f'        show_if: q{n - 1} == "a"']
        elif kind == 2:
            lines += [f"      - id: q{n}", "        type: textarea", f"        {label}",
                      "        rubric: process", "        max_length: 4000",
                      f'        show_if: q{n - 1} != "yes" and answered(q{n - 2})']
        elif kind == 3:
            lines += [f"      - id: q{n}", "        type: number", f"        {label}",
                      "        min: 0", "        max: 100"]
        else:
            lines += [f"      - id: q{n}", "        type: table", f"        {label}",
                      "        columns:",
                      "          - {id: country, type: country, label: {sv: Land, en: Country}}",
                      "          - {id: region, type: region, country: country, "
                      "label: {sv: Region, en: Region}}",
                      f"        show_if: q{n - 1} > 10"]
    return "\n".join(lines) + "\n"


def median_time(fn: Callable[[], object], repeat: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    cases = [(p.name, p.read_text(encoding="utf-8"))
             for p in sorted((ROOT / "questionnaires").glob("*.yaml"))
             if not is_case_file(p)]
    cases.append(("generated (1,000 questions)", generated()))
    print(f"{'file':30} {'questions':>9} {'check':>9} {'safe_load':>10} {'ratio':>6} "
          f"{'libyaml':>9} {'ratio':>6}")
    for name, text in cases:
        result = check_text(text, name)
        assert result.ok, [p.format() for p in result.problems][:5]
        n = len(result.questionnaire.questions)
        ours = median_time(lambda t=text: check_text(t), args.repeat)
        bare = median_time(lambda t=text: yaml.safe_load(t), args.repeat)
        fast = median_time(lambda t=text: yaml.load(t, Loader=yaml.CSafeLoader), args.repeat)
        print(f"{name:30} {n:>9} {ours * 1000:>7.1f}ms {bare * 1000:>8.1f}ms "
              f"{ours / bare:>5.2f}x {fast * 1000:>7.1f}ms {ours / fast:>5.2f}x")
    print("ratio: check_text time / bare parse time of the same text, same process")


if __name__ == "__main__":
    main()
