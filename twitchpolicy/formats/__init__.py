"""Output formats of ``twitchpolicy check``; the checker itself never prints."""

from __future__ import annotations

from collections.abc import Callable

from twitchpolicy.formats.base import Report
from twitchpolicy.formats.github import render_github
from twitchpolicy.formats.gitlab import render_gitlab
from twitchpolicy.formats.json_output import render_json, render_json_lines
from twitchpolicy.formats.junit import render_junit
from twitchpolicy.formats.sarif import render_sarif
from twitchpolicy.formats.statistics import render_statistics_json, render_statistics_text
from twitchpolicy.formats.text import render_text

RENDERERS: dict[str, Callable[[Report], str]] = {
    "text": render_text,
    "json": render_json,
    "json-lines": render_json_lines,
    "sarif": render_sarif,
    "github": render_github,
    "gitlab": render_gitlab,
    "junit": render_junit,
}
STATISTICS_RENDERERS: dict[str, Callable[[Report], str]] = {"text": render_statistics_text, "json": render_statistics_json}
FORMATS = tuple(RENDERERS)

__all__ = ["FORMATS", "RENDERERS", "STATISTICS_RENDERERS", "Report"]
