"""File discovery: order, default excludes, virtual environments found by their pyvenv.cfg, and the skipped summary."""

from __future__ import annotations

from pathlib import Path

from twitchpolicy.discover import Skipped, iter_source_files

UNRELATED = "def f():\n    return 1\n"


def write(root: Path, names: list[str]) -> None:
    for name in names:
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(UNRELATED, encoding="utf-8")


def test_order_files_before_subfolders(tmp_path: Path) -> None:
    write(tmp_path, ["b.py", "a/z.py", "a/b/c.py", "c.go", "notes.txt", "a.py"])
    found = [path.relative_to(tmp_path).as_posix() for path in iter_source_files([str(tmp_path)])]
    assert found == ["a.py", "b.py", "c.go", "a/z.py", "a/b/c.py"]


def test_virtual_environment_by_marker(tmp_path: Path) -> None:
    write(tmp_path, ["app.py", "env-3.11/lib/python3.11/os.py", "node_modules/x/index.js", ".git/hooks/pre-commit.py"])
    (tmp_path / "env-3.11" / "pyvenv.cfg").write_text("home = /usr/bin\n", encoding="utf-8")
    skipped = Skipped()
    found = [path.relative_to(tmp_path).as_posix() for path in iter_source_files([str(tmp_path)], (), skipped)]
    assert found == ["app.py"]
    assert skipped.default_dirs == [".git", "node_modules"]
    assert skipped.venv_dirs == [(tmp_path / "env-3.11").as_posix()]


def test_exclude_globs_counted(tmp_path: Path) -> None:
    write(tmp_path, ["app.py", "tests/test_app.py", "scripts/a.py", "scripts/b.py", "gen_x.py"])
    skipped = Skipped()
    found = [path.relative_to(tmp_path).as_posix() for path in iter_source_files([str(tmp_path)], ("tests", "gen_*"), skipped)]
    assert found == ["app.py", "scripts/a.py", "scripts/b.py"]
    assert skipped.excluded_dirs == 1
    assert skipped.excluded_files == 1


def test_skipped_summary_line() -> None:
    skipped = Skipped(default_dirs=[".git", "node_modules", ".git"], venv_dirs=["tools/env"], excluded_dirs=1, excluded_files=2)
    assert skipped.summary() == (
        "skipped 3 directories: .git, node_modules (default excludes); "
        "1 directory with a pyvenv.cfg: tools/env (virtual environments); 1 directory and 2 files by exclude globs"
    )
    assert Skipped().summary() is None


def test_verbose_prints_summary(tmp_path: Path, cli) -> None:
    write(tmp_path, ["app.py", "node_modules/x/index.js", "vendor/lib.py"])
    (tmp_path / "app.py").write_text('URL = "https://api.twitch.tv/helix/users"\n', encoding="utf-8")
    completed = cli("check", ".", "--verbose", "--exclude", "vendor", cwd=tmp_path)
    assert completed.returncode == 0, completed.stderr
    assert completed.stderr.splitlines() == [
        "twitchpolicy: skipped 1 directory: node_modules (default excludes); 1 directory by exclude globs",
        "twitchpolicy: parsed 1 of 1 files; the pre-filter left out the files that neither name Twitch nor share imports with one that does",
    ]


def test_linked_file_listed_once(tmp_path: Path) -> None:
    write(tmp_path, ["src/bot.py"])
    (tmp_path / "src" / "alias.py").symlink_to(tmp_path / "src" / "bot.py")
    found = [path.relative_to(tmp_path).as_posix() for path in iter_source_files([str(tmp_path / "src")])]
    assert found == ["src/alias.py"]


def test_overlapping_paths_listed_once(tmp_path: Path) -> None:
    write(tmp_path, ["src/bot.py", "src/api/client.py"])
    given = [str(tmp_path / "src" / "api" / "client.py"), str(tmp_path / "src"), str(tmp_path / "src" / "api")]
    found = [path.relative_to(tmp_path).as_posix() for path in iter_source_files(given)]
    assert found == ["src/api/client.py", "src/bot.py"]


def test_linked_root_and_real_root_once(tmp_path: Path) -> None:
    write(tmp_path, ["real/bot.py"])
    (tmp_path / "link").symlink_to(tmp_path / "real")
    found = [path.relative_to(tmp_path).as_posix() for path in iter_source_files([str(tmp_path / "link"), str(tmp_path / "real")])]
    assert found == ["link/bot.py"]
