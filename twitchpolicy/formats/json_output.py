"""Render findings as one JSON document (``json``) or as one JSON object per line (``json-lines``)."""

from __future__ import annotations

import json

from twitchpolicy.checker import UnverifiedCall
from twitchpolicy.formats.base import Report
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


def render_json(report: Report) -> str:
    document: dict[str, object] = {
        "files_scanned": report.files_scanned,
        "findings": [finding_to_dict(finding) for finding in report.findings],
        "unverified": [unverified_to_dict(call) for call in report.unverified],
    }
    if report.baseline is not None:
        document["baseline"] = {"path": report.baseline, "hidden": report.hidden}
    return json.dumps(document, indent=2) + "\n"


def render_json_lines(report: Report) -> str:
    """Write one compact JSON object per finding, with its fingerprint; no findings give empty output."""
    lines = []
    for finding, fingerprint in zip(report.findings, report.fingerprints):
        record = finding_to_dict(finding) | {"fingerprint": fingerprint}
        lines.append(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
    return "".join(line + "\n" for line in lines)
