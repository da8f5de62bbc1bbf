"""Suppression comments: ``# twitchpolicy: ignore[TP201]`` on a line, ``# twitchpolicy: ignore-file[TP405]`` for a file.

JavaScript and other C-like sources use ``//`` in place of ``#``. A comment
without a code list suppresses every finding on its line (or in its file).
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass, field

from twitchpolicy.config import matches
from twitchpolicy.rules import RULES, Finding

_COMMENT = re.compile(r"(?:#|//)\s*twitchpolicy:\s*(ignore-file|ignore)\b(?:\[([^\]]*)\])?")


@dataclass
class Suppression:
    path: str
    line: int
    column: int
    file_level: bool
    codes: tuple[str, ...]
    used: set[str] = field(default_factory=set)

    @property
    def text(self) -> str:
        kind = "ignore-file" if self.file_level else "ignore"
        return f"{kind}[{', '.join(_printable(code) for code in self.codes)}]" if self.codes else kind

    def covers(self, finding: Finding) -> str | None:
        """Return the selector that suppresses ``finding``, or None."""
        if not self.file_level and not finding.line <= self.line <= max(finding.line, finding.end_line):
            return None
        if not self.codes:
            return "*"
        return next((code for code in self.codes if any(matches(code, rule) and rule.code == finding.code for rule in RULES)), None)


def find_suppressions(path: str, source: str) -> list[Suppression]:
    """Return the suppression comments of one file; in Python only real comments count, not string contents."""
    if "twitchpolicy:" not in source:
        return []
    if path.endswith((".py", ".pyi")):
        comments = _python_comments(source)
    else:
        comments = [(number, line) for number, line in enumerate(source.splitlines(), start=1) if "twitchpolicy:" in line]
    found = []
    for number, text in comments:
        for match in _COMMENT.finditer(text):
            codes = tuple(code.strip() for code in (match.group(2) or "").split(",") if code.strip())
            found.append(Suppression(path, number, match.start() + 1, match.group(1) == "ignore-file", codes))
    return found


def _python_comments(source: str) -> list[tuple[int, str]]:
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError):
        return [(number, line) for number, line in enumerate(source.splitlines(), start=1) if "#" in line]
    return [(token.start[0], " " * token.start[1] + token.string) for token in tokens if token.type == tokenize.COMMENT]


def apply_suppressions(findings: list[Finding], suppressions: dict[str, list[Suppression]]) -> list[Finding]:
    """Drop suppressed findings and mark which suppression codes were used."""
    remaining = []
    for finding in findings:
        suppressed = False
        for suppression in suppressions.get(finding.path, ()):
            selector = suppression.covers(finding)
            if selector is not None:
                suppression.used.add(selector)
                suppressed = True
        if not suppressed:
            remaining.append(finding)
    return remaining


def unused(suppressions: dict[str, list[Suppression]]) -> list[Suppression]:
    """Return suppressions of which some code (or, without codes, the whole comment) matched nothing."""
    stale = []
    for items in suppressions.values():
        for suppression in items:
            if suppression.codes:
                if any(code not in suppression.used for code in suppression.codes):
                    stale.append(suppression)
            elif not suppression.used:
                stale.append(suppression)
    return stale


def _printable(code: str) -> str:
    """Show a suppression code as written only when it looks like a rule code or name, so a pasted value never reaches output."""
    return code if re.fullmatch(r"[A-Za-z0-9-]{1,40}", code) else "<not a rule code>"
