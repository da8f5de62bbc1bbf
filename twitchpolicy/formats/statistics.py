"""Render ``--statistics``: the number of findings per rule, most frequent first, like ``ruff --statistics``."""

from __future__ import annotations

import json
from collections import Counter

from twitchpolicy.formats.base import Report
from twitchpolicy.formats.text import summary
from twitchpolicy.rules import rule_for


def count_by_code(report: Report) -> list[tuple[str, str, int]]:
    """Return ``(code, rule name, count)`` per code that has findings, sorted by count (highest first) and code."""
    counts = Counter(finding.code for finding in report.findings)
    rows = []
    for code, count in counts.items():
        rule = rule_for(code)
        rows.append((code, rule.name if rule is not None else "", count))
    return sorted(rows, key=lambda row: (-row[2], row[0]))


def render_statistics_text(report: Report) -> str:
    rows = count_by_code(report)
    width = max((len(str(count)) for _, _, count in rows), default=1)
    lines = [f"{str(count).rjust(width)}  {code}  {name}" for code, name, count in rows]
    lines.append(summary(report))
    return "\n".join(lines) + "\n"


def render_statistics_json(report: Report) -> str:
    rows = [{"code": code, "name": name, "count": count} for code, name, count in count_by_code(report)]
    return json.dumps(rows, indent=2) + "\n"
