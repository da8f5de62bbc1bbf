"""JavaScript and TypeScript file suffixes, and the resolution of relative import specifiers to scanned files.

Kept apart from :mod:`twitchpolicy.jsparse` so that the pre-filter can resolve
imports without loading tree-sitter.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from typing import TypeVar

JAVASCRIPT_SUFFIXES = (".js", ".mjs", ".cjs", ".jsx")
TYPESCRIPT_SUFFIXES = (".ts", ".mts", ".cts")
TSX_SUFFIXES = (".tsx",)
SUFFIXES = JAVASCRIPT_SUFFIXES + TYPESCRIPT_SUFFIXES + TSX_SUFFIXES
# The order in which an import without a suffix is tried, as TypeScript and bundlers resolve it.
RESOLVE_SUFFIXES = (".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs")

Module = TypeVar("Module")


def normalized(path: str) -> str:
    """Return the key under which ``by_normalized`` maps hold a file: a normalized POSIX path."""
    return posixpath.normpath(path.replace("\\", "/"))


def resolve_specifier(importer_path: str, specifier: str | None, by_normalized: Mapping[str, Module]) -> Module | None:
    """Find the scanned file that a relative import or ``require`` in ``importer_path`` names.

    ``./config`` tries ``config.ts``, ``config.js`` and the other suffixes, then
    ``config/index.*``. A ``.js`` suffix may name a ``.ts`` file, as TypeScript's
    ESM output expects. Package imports (``axios``, ``@scope/pkg``) return None.
    """
    if not specifier or not specifier.startswith("."):
        return None
    base = posixpath.normpath(posixpath.join(posixpath.dirname(importer_path.replace("\\", "/")), specifier))
    stem, suffix = posixpath.splitext(base)
    candidates = [base] if suffix in SUFFIXES else []
    if suffix in (".js", ".mjs", ".cjs", ".jsx"):
        candidates += [stem + other for other in RESOLVE_SUFFIXES]
    candidates += [base + other for other in RESOLVE_SUFFIXES]
    candidates += [base + "/index" + other for other in RESOLVE_SUFFIXES]
    for candidate in candidates:
        found = by_normalized.get(candidate)
        if found is not None:
            return found
    return None
