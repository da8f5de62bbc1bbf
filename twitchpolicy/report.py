"""Render findings as text (``path:line:col: CODE message``) or JSON; the checker itself never prints."""

from __future__ import annotations

import json
from collections.abc import Sequence

from twitchpolicy.checker import UnverifiedCall
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
        "evidence": finding.evidence,
        "fix": finding.fix,
    }


def unverified_to_dict(call: UnverifiedCall) -> dict[str, object]:
    return {"path": call.path, "line": call.line, "column": call.column, "endpoint": call.endpoint, "token_names": list(call.token_names)}


def render_text(findings: Sequence[Finding], files_scanned: int, unverified: Sequence[UnverifiedCall] = (), verbose: bool = False) -> str:
    lines = []
    for finding in findings:
        link = f" ({finding.reference})" if finding.reference else ""
        lines.append(f"{finding.path}:{finding.line}:{finding.column}: {finding.code} {finding.message}{link}")
    if verbose:
        for call in unverified:
            names = f"; the token passed through {', '.join(call.token_names)}" if call.token_names else ""
            lines.append(f"{call.path}:{call.line}:{call.column}: unverified: {call.endpoint}: token kind unknown{names}")
    if unverified and not verbose:
        calls = "call" if len(unverified) == 1 else "calls"
        lines.append(f"{len(unverified)} Helix {calls} with an unknown token kind; --verbose lists them.")
    noun = "finding" if len(findings) == 1 else "findings"
    files = "file" if files_scanned == 1 else "files"
    if findings:
        lines.append(f"Found {len(findings)} {noun} in {files_scanned} {files} scanned.")
    else:
        lines.append(f"All checks passed ({files_scanned} {files} scanned).")
    return "\n".join(lines) + "\n"


def render_json(findings: Sequence[Finding], files_scanned: int, unverified: Sequence[UnverifiedCall] = (), verbose: bool = False) -> str:
    document = {
        "files_scanned": files_scanned,
        "findings": [finding_to_dict(finding) for finding in findings],
        "unverified": [unverified_to_dict(call) for call in unverified],
    }
    return json.dumps(document, indent=2) + "\n"
