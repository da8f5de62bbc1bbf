"""Render findings as text (``path:line:col: CODE message``) or JSON; the checker itself never prints."""

from __future__ import annotations

import json
from collections.abc import Sequence

from twitchpolicy.rules import Finding


def finding_to_dict(finding: Finding) -> dict[str, object]:
    return {
        "code": finding.code,
        "name": finding.name,
        "severity": finding.severity,
        "message": finding.message,
        "path": finding.path,
        "line": finding.line,
        "column": finding.column,
        "method": finding.method,
        "url": finding.url,
        "endpoint": finding.endpoint,
        "reference": finding.reference,
        "fix": finding.fix,
    }


def render_text(findings: Sequence[Finding], files_scanned: int) -> str:
    lines = [f"{f.path}:{f.line}:{f.column}: {f.code} {f.message}" for f in findings]
    noun = "finding" if len(findings) == 1 else "findings"
    files = "file" if files_scanned == 1 else "files"
    if findings:
        lines.append(f"Found {len(findings)} {noun} in {files_scanned} {files} scanned.")
    else:
        lines.append(f"All checks passed ({files_scanned} {files} scanned).")
    return "\n".join(lines) + "\n"


def render_json(findings: Sequence[Finding], files_scanned: int) -> str:
    document = {"files_scanned": files_scanned, "findings": [finding_to_dict(f) for f in findings]}
    return json.dumps(document, indent=2) + "\n"
