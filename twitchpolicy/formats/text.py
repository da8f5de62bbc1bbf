"""Render findings as text, ``path:line:col: CODE message (reference link)``, with an optional colour."""

from __future__ import annotations

import click

from twitchpolicy.formats.base import Report, escape_controls
from twitchpolicy.rules import Finding


def render_text(report: Report) -> str:
    lines = [_finding_line(finding, report.color) for finding in report.findings]
    unverified = report.unverified
    if report.verbose:
        for call in unverified:
            names = f"; the token passed through {', '.join(call.token_names)}" if call.token_names else ""
            line = f"{call.path}:{call.line}:{call.column}: unverified: {call.endpoint}: token kind unknown{names}"
            lines.append(escape_controls(line))
    if unverified and not report.verbose:
        calls = "call" if len(unverified) == 1 else "calls"
        lines.append(f"{len(unverified)} Helix {calls} with an unknown token kind; --verbose lists them.")
    lines.append(_style(summary(report), report.color, bold=True))
    return "\n".join(lines) + "\n"


def summary(report: Report) -> str:
    """Return the closing line: the finding and file counts, and what the baseline hid."""
    count = len(report.findings)
    noun = "finding" if count == 1 else "findings"
    files = "file" if report.files_scanned == 1 else "files"
    hidden = ""
    if report.baseline is not None:
        hidden_noun = "finding" if report.hidden == 1 else "findings"
        hidden = f"; {report.hidden} {hidden_noun} hidden by baseline {report.baseline}"
    if count:
        return f"Found {count} {noun} in {report.files_scanned} {files} scanned{hidden}."
    return f"All checks passed ({report.files_scanned} {files} scanned{hidden})."


def _finding_line(finding: Finding, color: bool) -> str:
    link = f" ({finding.reference})" if finding.reference else ""
    path = _style(escape_controls(finding.path), color, bold=True)
    code = _style(finding.code, color, fg="red" if finding.severity == "error" else "yellow", bold=True)
    return f"{path}:{finding.line}:{finding.column}: {code} {escape_controls(finding.message)}{link}"


def _style(text: str, color: bool, **styles: object) -> str:
    return click.style(text, **styles) if color else text
