"""Find Twitch API URLs in non-Python source files (JavaScript, TypeScript, Go, shell, ...) as text.

Besides literal URLs, template strings and concatenations that start with a
string constant (``${HELIX}users``, ``HELIX + 'users'``) are resolved through
``const``/``let``/``var`` declarations found in any scanned text file. URLs in
``//``, ``/* */`` and ``#`` comments are skipped.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable

from twitchpolicy.sites import CallSite
from twitchpolicy.urls import UNKNOWN, parse_twitch_url

HASH_COMMENT_SUFFIXES = (".sh", ".bash", ".rb", ".ps1", ".py", ".pyi")
BLOCK_COMMENT_SUFFIXES = (
    ".js", ".mjs", ".cjs", ".jsx", ".ts", ".tsx", ".mts", ".cts", ".go", ".rs", ".java", ".kt", ".kts",
    ".cs", ".php", ".swift", ".dart", ".scala", ".c", ".cc", ".cpp", ".h",
)

_LITERAL_URL = re.compile(
    r"""(?:https?:)?//(?:api|id)\.twitch\.tv/(?:[^\s'"`<>()\[\]{}\\,;$|]|\$\{[^}\n]*\})*""",
    re.IGNORECASE,
)
_TEMPLATE_PART = re.compile(r"\$\{[^}\n]*\}")
_URL_TAIL = r"""(?:[^\s'"`<>()\[\]{}\\,;$|]|\$\{[^}\n]*\})*"""
_CONSTANT_TEMPLATE = re.compile(r"`\$\{\s*([A-Za-z_$][\w$.]*)\s*\}(" + _URL_TAIL + ")")
_CONSTANT_CONCAT = re.compile(r"""\b([A-Za-z_$][\w$.]*)\s*\+\s*(['"`])(""" + _URL_TAIL + r")")
_DECLARATION = re.compile(
    r"""\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::\s*[\w.<>\[\]| ]+)?=\s*(['"`])((?:(?!\2)[^\\\n])*)\2""",
)
# Shell: HELIX=https://api.twitch.tv/helix or export HELIX="...", then "$HELIX/users" or "${HELIX}/users".
_SHELL_ASSIGNMENT = re.compile(r"""^[ \t]*(?:export[ \t]+)?([A-Za-z_]\w*)=(['"]?)([^\s'"]+)\2[ \t]*$""", re.MULTILINE)
_SHELL_REFERENCE = re.compile(r"\$\{?([A-Za-z_]\w*)\}?(/" + _URL_TAIL.replace("|\\$\\{[^}\\n]*\\}", "") + ")")
SHELL_SUFFIXES = (".sh", ".bash")
_QUOTED = re.compile(r"""(['"`])(?:\\.|(?!\1).)*\1""")
_BLOCK_COMMENT = re.compile(r"/\*.*?(?:\*/|\Z)", re.DOTALL)
_TRAILING_PUNCTUATION = ".:!?"
# The method and comment markers are looked for this many characters back on the URL's line,
# so a line with thousands of URLs costs linear, not quadratic, time.
LOOKBEHIND = 300

_METHOD_BEFORE = re.compile(r"\.(get|post|put|patch|delete)\s*(?:<[^>]*>)?\(\s*[`'\"]?$", re.IGNORECASE)
_NEW_REQUEST = re.compile(r"""(?:NewRequest(?:WithContext)?|request)\s*\([^()]*?["'](GET|POST|PUT|PATCH|DELETE)["']\s*,\s*[`'"]?$""", re.IGNORECASE)
_CURL_METHOD = re.compile(r"curl\b.*?(?:-X|--request)\s*['\"]?(GET|POST|PUT|PATCH|DELETE)\b")
_CURL = re.compile(r"\bcurl\b")
_CURL_DATA = re.compile(r"\s(?:-d|--data(?:-raw|-binary|-urlencode)?|--json|-F|--form)\b")
_GO_METHOD = re.compile(r"NewRequest(?:WithContext)?\s*\((?:\s*\w+\s*,)?\s*http\.Method(Get|Post|Put|Patch|Delete)\s*,\s*[`\"]?$")
_PARENTHESIZED = re.compile(r"\([^()]*\)")
_FETCH_BEFORE = re.compile(r"\bfetch\s*\(\s*[`'\"]?$")
_METHOD_OPTION = re.compile(r"""method\s*:\s*[`'"](GET|POST|PUT|PATCH|DELETE)[`'"]""", re.IGNORECASE)


def collect_constants(sources: Iterable[str]) -> dict[str, str]:
    """Map each name declared once, across all sources, as a string constant that is a Twitch URL."""
    values: dict[str, str | None] = {}
    for source in sources:
        declarations = [(m.group(1), m.group(3)) for m in _DECLARATION.finditer(source)]
        declarations += [(m.group(1), m.group(3)) for m in _SHELL_ASSIGNMENT.finditer(source)]
        for name, raw_value in declarations:
            value = _TEMPLATE_PART.sub(UNKNOWN, raw_value)
            if parse_twitch_url(value) is None and parse_twitch_url(value.rstrip("/") + "/x") is None:
                continue
            values[name] = value if name not in values or values[name] == value else None
    return {name: value for name, value in values.items() if value is not None}


def scan_text(path: str, source: str, constants: dict[str, str] | None = None) -> list[CallSite]:
    """Return the Twitch API URLs in ``source`` with the HTTP method where the same line or a fetch call shows it."""
    constants = constants or {}
    hash_comments = path.endswith(HASH_COMMENT_SUFFIXES)
    block_comments = path.endswith(BLOCK_COMMENT_SUFFIXES)
    line_starts = [0] + [match.end() for match in re.finditer("\n", source)]

    found: list[tuple[int, int, str]] = []
    for match in _LITERAL_URL.finditer(source):
        found.append((match.start(), match.end(), match.group(0)))
    patterns = [(_CONSTANT_TEMPLATE, 2), (_CONSTANT_CONCAT, 3)]
    if path.endswith(SHELL_SUFFIXES):
        patterns.append((_SHELL_REFERENCE, 2))
    for pattern, tail_group in patterns:
        for match in pattern.finditer(source):
            name = match.group(1).split(".")[-1]
            if name in constants:
                found.append((match.start(), match.end(), _join(constants[name], match.group(tail_group))))

    comments = [(match.start(), match.end()) for match in _BLOCK_COMMENT.finditer(source)] if block_comments and "/*" in source else []
    sites = []
    for start, end, raw in sorted(found):
        url = _TEMPLATE_PART.sub(UNKNOWN, raw.rstrip(_TRAILING_PUNCTUATION))
        parsed = parse_twitch_url(url)
        if parsed is None or parsed.is_base:
            continue
        line_index = _line_index(line_starts, start)
        line_start = line_starts[line_index]
        before = source[max(line_start, start - LOOKBEHIND):start]
        statement = _continued_lines(source, line_starts, line_index) + before
        if _in_comment(before, hash_comments) or _in_spans(comments, start):
            continue
        method = _text_method(statement, source[end:end + 400])
        sites.append(CallSite(path, line_index + 1, start - line_starts[line_index] + 1, url, method, "mention"))
    return sites


def _join(base: str, tail: str) -> str:
    if base.endswith("/") and tail.startswith("/"):
        return base + tail[1:]
    return base + tail


def _line_index(line_starts: list[int], offset: int) -> int:
    low, high = 0, len(line_starts) - 1
    while low < high:
        middle = (low + high + 1) // 2
        if line_starts[middle] <= offset:
            low = middle
        else:
            high = middle - 1
    return low


def _in_comment(before: str, hash_comments: bool) -> bool:
    """Tell whether a URL that starts after ``before`` on its line sits in a line comment."""
    code = _QUOTED.sub("", before)
    if re.search(r"(?:^|[^:/])//", code):
        return True
    stripped = code.lstrip()
    if stripped.startswith(("*", "/*", "<!--")):
        return True
    # In shell, # starts a comment only at the start of a word: $# and a#b are not comments.
    return hash_comments and re.search(r"(?:^|\s)#", code) is not None


def _in_spans(spans: list[tuple[int, int]], offset: int) -> bool:
    index = bisect.bisect_right(spans, (offset, float("inf"))) - 1
    return index >= 0 and spans[index][0] <= offset < spans[index][1]


def _continued_lines(source: str, line_starts: list[int], line_index: int) -> str:
    """Return the earlier lines of a statement continued with a trailing backslash, as in multi-line curl."""
    parts: list[str] = []
    index = line_index - 1
    while index >= 0 and len(parts) < 10:
        line = source[line_starts[index]: line_starts[index + 1]].rstrip("\r\n")
        if not line.endswith("\\"):
            break
        parts.insert(0, line[:-1][-LOOKBEHIND:])
        index -= 1
    return " ".join(parts) + (" " if parts else "")


def _text_method(before: str, after: str) -> str | None:
    for pattern in (_METHOD_BEFORE, _NEW_REQUEST, _GO_METHOD):
        found = pattern.search(before)
        if found:
            return found.group(1).upper()
    curl = list(_CURL.finditer(before))
    if curl:
        command = before[curl[-1].start():] + " " + after.split("\n", 1)[0]
        found = _CURL_METHOD.search(command)
        if found:
            return found.group(1)
        return "POST" if _CURL_DATA.search(command) else "GET"
    if _FETCH_BEFORE.search(before):
        # fetch(url, {method: ...}): the options follow the URL, up to the parenthesis that closes fetch(.
        # Calls inside the options, such as JSON.stringify({method: ...}), are dropped first. fetch defaults to GET.
        options = _call_rest(after)
        while _PARENTHESIZED.search(options):
            options = _PARENTHESIZED.sub("", options)
        found = _METHOD_OPTION.search(options)
        return found.group(1).upper() if found else "GET"
    return None


def _call_rest(after: str) -> str:
    """Return the text from just after the URL to the parenthesis that closes the call it is in."""
    depth = 1
    for index, character in enumerate(after):
        if character == "(":
            depth += 1
        elif character == ")":
            depth -= 1
            if depth == 0:
                return after[:index]
    return after
