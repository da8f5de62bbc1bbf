"""Compare the text scanner with the tree-sitter scanner on the JavaScript and TypeScript corpus.

Run from the repository root: ``python bench/js_parser.py``. For each
file it prints the Twitch calls each scanner finds, then the time per file for
the text scanner, for tree-sitter parsing alone, and for the whole
tree-sitter scan. A generated file of about 3,000 lines shows how the time
grows with file size. Times are the median of ``--repeat`` runs.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from twitchpolicy.jsparse import SUFFIXES, JsModule
from twitchpolicy.jsscan import JavaScriptProject, scan_javascript
from twitchpolicy.textscan import collect_constants, scan_text
from twitchpolicy.urls import parse_twitch_url

CORPUS = Path(__file__).parent / "js_corpus"


def load_corpus() -> list[tuple[str, str]]:
    return [(path.relative_to(CORPUS).as_posix(), path.read_text(encoding="utf-8")) for path in sorted(CORPUS.rglob("*")) if path.suffix in SUFFIXES]


def large_file(files: list[tuple[str, str]]) -> tuple[str, str]:
    """Return a file of about 3,000 lines: the moderation client class repeated under new names."""
    template = dict(files)["src/api/moderation.js"].split("module.exports")[0]
    copies = [template.replace("class Moderation", f"class Moderation{index}").replace("const HELIX", f"const HELIX{index}").replace("HELIX +", f"HELIX{index} +").replace("${HELIX}", f"${{HELIX{index}}}").replace("HELIX + '/'", f"HELIX{index} + '/'") for index in range(75)]
    return "generated/large.js", "".join(copies)


def text_scan(files: list[tuple[str, str]]) -> dict[str, list]:
    constants = collect_constants(source for _, source in files)
    return {path: scan_text(path, source, constants) for path, source in files}


def tree_scan(files: list[tuple[str, str]]) -> dict[str, list]:
    project = JavaScriptProject(files)
    return {path: scan_javascript(path, source, project).sites for path, source in files}


def median_seconds(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def describe(site) -> str:
    parsed = parse_twitch_url(site.url) if site.url else None
    path = parsed.path if parsed is not None else site.url
    return f"{site.line}:{site.column} {site.kind} {site.method or '-'} {path}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="runs per measurement (default 20)")
    arguments = parser.parse_args()

    files = load_corpus()
    text_sites = text_scan(files)
    tree_sites = tree_scan(files)
    for path, _ in files:
        print(path)
        print("  text:       " + ("; ".join(describe(site) for site in text_sites[path]) or "nothing"))
        print("  tree-sitter: " + ("; ".join(describe(site) for site in tree_sites[path]) or "nothing"))

    lines = sum(source.count("\n") + 1 for _, source in files)
    print(f"\ncorpus: {len(files)} files, {lines} lines; median of {arguments.repeat} runs")
    for label, function in (
        ("text scan", lambda: text_scan(files)),
        ("tree-sitter parse only", lambda: [JsModule.parse(path, source) for path, source in files]),
        ("tree-sitter full scan", lambda: tree_scan(files)),
    ):
        seconds = median_seconds(function, arguments.repeat)
        print(f"  {label:24} {seconds * 1000 / len(files):7.2f} ms per file")

    big = [large_file(files)]
    big_lines = big[0][1].count("\n") + 1
    print(f"\none generated file of {big_lines} lines")
    for label, function in (
        ("text scan", lambda: text_scan(big)),
        ("tree-sitter parse only", lambda: [JsModule.parse(path, source) for path, source in big]),
        ("tree-sitter full scan", lambda: tree_scan(big)),
    ):
        seconds = median_seconds(function, max(3, arguments.repeat // 4))
        print(f"  {label:24} {seconds * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
