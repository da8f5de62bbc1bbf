"""Render findings as GitHub Actions workflow commands, which the job log shows as file annotations.

Each finding becomes ``::error file=PATH,line=L,endLine=E,col=C,title=CODE name::message``
(``::warning`` for warning rules). GitHub's toolkit escapes ``%``, CR and LF in the
message, and also ``:`` and ``,`` in property values, as percent escapes.
"""

from __future__ import annotations

from twitchpolicy.formats.base import Report, escape_controls
from twitchpolicy.paths import relative_path
from twitchpolicy.rules import Finding


def escape_data(text: str) -> str:
    """Escape ``text`` for a workflow command. Control characters other than CR and LF, such as ESC, become ``\\xNN``."""
    return escape_controls(text, keep_line_breaks=True).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(report: Report) -> str:
    return "".join(annotation(finding) + "\n" for finding in report.findings)


def annotation(finding: Finding) -> str:
    command = "error" if finding.severity == "error" else "warning"
    properties = [("file", relative_path(finding.path)), ("line", str(finding.line))]
    if finding.end_line > finding.line:
        properties.append(("endLine", str(finding.end_line)))
    properties += [("col", str(finding.column)), ("title", f"{finding.code} {finding.name}")]
    link = f" ({finding.reference})" if finding.reference else ""
    rendered = ",".join(f"{name}={escape_property(value)}" for name, value in properties)
    return f"::{command} {rendered}::{escape_data(finding.message + link)}"
