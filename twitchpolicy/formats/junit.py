"""Render findings as JUnit XML, which GitLab, Jenkins and other CI servers show as test results.

The report has one test suite. Each finding is a failed test case, and each
checked file without findings is one passed test case, so a clean run still
reports what it checked.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree

from twitchpolicy.formats.base import Report
from twitchpolicy.paths import relative_path
from twitchpolicy.rules import Finding

# Characters that XML 1.0 does not allow, even escaped.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def render_junit(report: Report) -> str:
    by_path: dict[str, list[Finding]] = {path: [] for path in report.files}
    for finding in report.findings:
        by_path.setdefault(finding.path, []).append(finding)

    root = ElementTree.Element("testsuites", {"name": "twitchpolicy"})
    suite = ElementTree.SubElement(root, "testsuite", {"name": "twitchpolicy"})
    for path in sorted(by_path):
        # A file name may contain any byte but NUL and slash, so it is cleaned like a message.
        relative = _clean(relative_path(path))
        findings = by_path[path]
        if not findings:
            ElementTree.SubElement(suite, "testcase", {"name": relative, "classname": relative, "file": relative})
        for finding in findings:
            name = f"{finding.code} {finding.name} at {finding.line}:{finding.column}"
            case = ElementTree.SubElement(suite, "testcase", {"name": name, "classname": relative, "file": relative, "line": str(finding.line)})
            failure = ElementTree.SubElement(case, "failure", {"message": _clean(finding.message), "type": finding.code})
            failure.text = _clean(_details(relative, finding))

    counts = {"tests": str(len(suite)), "failures": str(len(report.findings)), "errors": "0"}
    root.attrib.update(counts)
    suite.attrib.update(counts | {"skipped": "0"})
    ElementTree.indent(root)
    return ElementTree.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _details(path: str, finding: Finding) -> str:
    lines = [f"{path}:{finding.line}:{finding.column}: {finding.code} {finding.message}"]
    if finding.evidence:
        lines.append(f"Evidence: {finding.evidence}")
    lines.append(f"Fix: {finding.fix}")
    if finding.reference:
        lines.append(f"Reference: {finding.reference}")
    return "\n".join(lines)


def _clean(text: str) -> str:
    return _INVALID_XML.sub("\ufffd", text)
