"""Render findings as a GitLab Code Quality report: a JSON array that merge requests show as code quality issues."""

from __future__ import annotations

import json

from twitchpolicy.formats.base import Report
from twitchpolicy.paths import relative_path

# GitLab's severities are info, minor, major, critical and blocker.
SEVERITIES = {"error": "major", "warning": "minor"}


def render_gitlab(report: Report) -> str:
    issues = [
        {
            "description": f"{finding.code} {finding.message}",
            "check_name": finding.code,
            "fingerprint": fingerprint,
            "severity": SEVERITIES[finding.severity],
            "location": {"path": relative_path(finding.path), "lines": {"begin": finding.line}},
        }
        for finding, fingerprint in zip(report.findings, report.fingerprints)
    ]
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"

