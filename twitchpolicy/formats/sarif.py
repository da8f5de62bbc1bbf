"""Render findings as SARIF 2.1.0, the format GitHub code scanning and other SARIF viewers read.

Every rule is listed in ``tool.driver.rules`` with its help, and each finding is a
result whose location is relative to ``%SRCROOT%``, the working directory. Parse
and read errors (TP901, TP902) are results like any other finding, and are also
tool execution notifications, so viewers that show a run's health see them.
Helix calls whose token kind is unknown are notifications at level ``note``.
"""

from __future__ import annotations

import json
import os
from importlib import metadata
from pathlib import Path
from urllib.parse import quote

from twitchpolicy import __version__
from twitchpolicy.eventsub_checks import EVENTSUB_REFERENCE
from twitchpolicy.fingerprint import VERSION as FINGERPRINT_VERSION
from twitchpolicy.formats.base import Report
from twitchpolicy.paths import relative_path
from twitchpolicy.rules import REFERENCE, RULES, SCOPES_REFERENCE, Finding
from twitchpolicy.scope_checks import REFRESH_REFERENCE

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SOURCE_ROOT = "%SRCROOT%"
# NOTE: the package declares no project URL, so SARIF names the PyPI page of its package name until it does.
FALLBACK_INFORMATION_URI = "https://pypi.org/project/twitchpolicy/"
MIGRATION_REFERENCE = "https://dev.twitch.tv/docs/api/migration/"
OAUTH_REFERENCE = "https://dev.twitch.tv/docs/authentication/getting-tokens-oauth/"
# The Twitch page that explains each rule's subject; TP9xx rules are about files, not the Twitch API.
HELP_URIS = {
    "TP103": MIGRATION_REFERENCE,
    "TP105": EVENTSUB_REFERENCE,
    "TP106": EVENTSUB_REFERENCE,
    "TP203": EVENTSUB_REFERENCE,
    "TP303": MIGRATION_REFERENCE,
    "TP305": OAUTH_REFERENCE,
    "TP405": OAUTH_REFERENCE,
    "TP406": REFRESH_REFERENCE,
}
FAMILY_HELP_URIS = {"TP1": REFERENCE, "TP2": REFERENCE, "TP3": SCOPES_REFERENCE, "TP4": REFERENCE}
NOTIFIED_CODES = ("TP901", "TP902")
LEVELS = {"error": "error", "warning": "warning"}


def render_sarif(report: Report) -> str:
    rule_index = {rule.code: index for index, rule in enumerate(RULES)}
    results = [_result(finding, fingerprint, rule_index) for finding, fingerprint in zip(report.findings, report.fingerprints)]
    notifications = [_file_notification(finding, rule_index) for finding in report.findings if finding.code in NOTIFIED_CODES]
    for call in report.unverified:
        notifications.append({
            "level": "note",
            "message": {"text": f"token kind unknown for {call.endpoint}; no token rule ran on this call"},
            "locations": [_location(call.path, call.line, call.column, 0)],
        })
    run: dict[str, object] = {
        "tool": {"driver": _driver()},
        "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notifications}],
        "originalUriBaseIds": {SOURCE_ROOT: {"uri": Path.cwd().as_uri().rstrip("/") + "/"}},
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    if report.baseline is not None:
        run["properties"] = {"baseline": report.baseline, "hiddenByBaseline": report.hidden}
    document = {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def information_uri() -> str:
    """Return the project URL from the installed package's metadata, or the fallback when it declares none."""
    try:
        urls = metadata.metadata("twitchpolicy").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        urls = []
    for entry in urls:
        label, _, url = entry.partition(",")
        if label.strip().lower() in ("homepage", "home", "repository", "source") and url.strip():
            return url.strip()
    return FALLBACK_INFORMATION_URI


def _driver() -> dict[str, object]:
    return {
        "name": "twitchpolicy",
        "version": __version__,
        "semanticVersion": __version__,
        "informationUri": information_uri(),
        "rules": [_rule_descriptor(rule) for rule in RULES],
    }


def _rule_descriptor(rule: type[Finding]) -> dict[str, object]:
    text = f"{rule.rationale}\n\nFix: {rule.fix}\n\nBad:\n{rule.bad}\n\nGood:\n{rule.good}"
    markdown = f"{rule.rationale}\n\n**Fix:** {rule.fix}\n\n**Bad:**\n\n```\n{rule.bad}\n```\n\n**Good:**\n\n```\n{rule.good}\n```"
    descriptor: dict[str, object] = {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.rationale or rule.summary},
        "help": {"text": text, "markdown": markdown},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
    }
    help_uri = HELP_URIS.get(rule.code) or FAMILY_HELP_URIS.get(rule.code[:3])
    if help_uri is not None:
        descriptor["helpUri"] = help_uri
    return descriptor


def _result(finding: Finding, fingerprint: str, rule_index: dict[str, int]) -> dict[str, object]:
    properties = {"name": finding.name, "fix": finding.fix}
    for key in ("endpoint", "evidence", "reference"):
        value = getattr(finding, key)
        if value:
            properties[key] = value
    return {
        "ruleId": finding.code,
        "ruleIndex": rule_index[finding.code],
        "level": LEVELS[finding.severity],
        "message": {"text": finding.message},
        "locations": [_location(finding.path, finding.line, finding.column, finding.end_line)],
        "partialFingerprints": {FINGERPRINT_VERSION: fingerprint},
        "properties": properties,
    }


def _file_notification(finding: Finding, rule_index: dict[str, int]) -> dict[str, object]:
    return {
        "level": LEVELS[finding.severity],
        "message": {"text": finding.message},
        "locations": [_location(finding.path, finding.line, finding.column, finding.end_line)],
        "associatedRule": {"id": finding.code, "index": rule_index[finding.code]},
    }


def _location(path: str, line: int, column: int, end_line: int) -> dict[str, object]:
    relative = relative_path(path)
    if os.path.isabs(relative):
        artifact = {"uri": Path(relative).as_uri()}
    else:
        # surrogateescape restores the bytes of a file name that is not valid UTF-8, as os.fsencode does.
        artifact = {"uri": quote(relative, errors="surrogateescape"), "uriBaseId": SOURCE_ROOT}
    region = {"startLine": max(line, 1), "startColumn": max(column, 1)}
    if end_line >= line > 0:
        region["endLine"] = end_line
    return {"physicalLocation": {"artifactLocation": artifact, "region": region}}
