"""The pre-commit hook, the GitHub Action and the commands of docs/ci.md, run against real fixtures.

The pre-commit tests run the real ``pre-commit``, with ``try-repo`` and with a
configuration file, on a Git copy of this package. Each of the two installs the
hook's environment from the package index. The action tests run the action's bash steps with the environment variables
GitHub would set, and fake the rest of the runner with files in a temporary folder.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import jsonschema
import pytest
import yaml

from conftest import ROOT

SARIF_SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
PACKAGE_FILES = ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "action.yml", "twitchpolicy", "policy")
FIXTURE = ROOT / "fixtures" / "requests_app_token_bot"
GIT_IDENTITY = ["-c", "user.email=ci-test@example.invalid", "-c", "user.name=ci-test"]


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *GIT_IDENTITY, *args], cwd=cwd, check=True, capture_output=True, text=True, timeout=60)


@pytest.fixture(scope="session")
def package_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Copy the package into a fresh Git repository, as users would clone it."""
    target = tmp_path_factory.mktemp("package") / "twitchpolicy"
    target.mkdir()
    for name in PACKAGE_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(source, target / name)
    git(target, "init", "-q")
    git(target, "add", "-A")
    git(target, "commit", "-q", "-m", "package copy")
    return target


def fixture_workspace(parent: Path) -> Path:
    """Copy the app token fixture into a Git repository of its own."""
    workspace = parent / "workspace"
    shutil.copytree(FIXTURE, workspace)
    (workspace / "expected.txt").unlink()
    git(workspace, "init", "-q")
    git(workspace, "add", "-A")
    git(workspace, "commit", "-q", "-m", "bot")
    return workspace


# ---------------------------------------------------------------- pre-commit


def test_hook_definition() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))

    assert [hook["id"] for hook in hooks] == ["twitchpolicy"]
    hook = hooks[0]
    assert hook["entry"] == "twitchpolicy check"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is False
    assert hook["args"] == ["."]
    assert hook["types_or"] == ["python", "pyi", "javascript", "jsx", "ts", "tsx"]


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("pre_commit", reason="pre-commit is in the test extra: pip install '.[test]'")
    return tmp_path_factory.mktemp("pre-commit-home")


def try_repo(workspace: Path, package_repo: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "pre_commit", "try-repo", str(package_repo), "twitchpolicy", *args]
    env = dict(os.environ, PRE_COMMIT_HOME=str(home), NO_COLOR="1")
    return subprocess.run(command, cwd=workspace, env=env, capture_output=True, text=True, timeout=600)


def run_hook(workspace: Path, package_repo: Path, home: Path) -> subprocess.CompletedProcess[str]:
    """Run the hook through a .pre-commit-config.yaml, which reuses one hook environment per session."""
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=package_repo, capture_output=True, text=True, check=True).stdout.strip()
    config = {"repos": [{"repo": str(package_repo), "rev": commit, "hooks": [{"id": "twitchpolicy"}]}]}
    (workspace / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    git(workspace, "add", ".pre-commit-config.yaml")
    env = dict(os.environ, PRE_COMMIT_HOME=str(home), NO_COLOR="1")
    return subprocess.run([sys.executable, "-m", "pre_commit", "run"], cwd=workspace, env=env, capture_output=True, text=True, timeout=600)


def test_hook_reports_findings(tmp_path: Path, package_repo: Path, pre_commit_home: Path) -> None:
    workspace = fixture_workspace(tmp_path)
    result = try_repo(workspace, package_repo, pre_commit_home, "--all-files")

    assert result.returncode == 1, result.stdout + result.stderr
    assert "twitchpolicy....Failed" in re.sub(r"\.{4,}", "....", result.stdout)
    assert "bot.py:44:16: TP201 Create Clip (POST /helix/clips) does not accept an app access token" in result.stdout
    assert "Found 4 findings in 1 file scanned." in result.stdout


def test_hook_checks_whole_project(tmp_path: Path, package_repo: Path, pre_commit_home: Path) -> None:
    # Only a new, clean module is staged; the finding in bot.py still shows because the hook scans ".".
    workspace = fixture_workspace(tmp_path)
    (workspace / "helpers.py").write_text("def double(value):\n    return value * 2\n", encoding="utf-8")
    git(workspace, "add", "helpers.py")
    result = run_hook(workspace, package_repo, pre_commit_home)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "Found 4 findings in 2 files scanned." in result.stdout


def test_hook_skips_other_files(tmp_path: Path, package_repo: Path, pre_commit_home: Path) -> None:
    workspace = fixture_workspace(tmp_path)
    (workspace / "NOTES.md").write_text("# Notes\n", encoding="utf-8")
    git(workspace, "add", "NOTES.md")
    result = run_hook(workspace, package_repo, pre_commit_home)

    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"twitchpolicy\.+\(no files to check\)Skipped", result.stdout)


# ---------------------------------------------------------------- GitHub Action


ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
STEPS = {step["name"]: step for step in ACTION["runs"]["steps"]}


def test_action_structure() -> None:
    assert ACTION["runs"]["using"] == "composite"
    assert set(ACTION["inputs"]) == {"paths", "args", "version", "python-version", "sarif-upload", "sarif-file"}
    assert {name: spec["default"] for name, spec in ACTION["inputs"].items()} == {
        "paths": ".", "args": "", "version": "", "python-version": "3.12", "sarif-upload": "true", "sarif-file": "twitchpolicy.sarif",
    }
    assert list(STEPS) == ["Set up Python for twitchpolicy", "Install twitchpolicy", "Run twitchpolicy", "Upload SARIF to code scanning", "Fail on findings"]
    assert STEPS["Set up Python for twitchpolicy"]["uses"] == "actions/setup-python@v6"
    assert STEPS["Set up Python for twitchpolicy"]["with"]["update-environment"] is False
    upload = STEPS["Upload SARIF to code scanning"]
    assert upload["uses"] == "github/codeql-action/upload-sarif@v4"
    assert upload["with"] == {"sarif_file": "${{ inputs.sarif-file }}", "category": "twitchpolicy"}
    assert "inputs.sarif-upload == 'true'" in upload["if"]
    assert STEPS["Fail on findings"]["if"] == "${{ steps.check.outputs.exit-code != '0' }}"
    for step in ACTION["runs"]["steps"]:
        if "run" in step:
            assert step["shell"] == "bash"
            # Inputs reach scripts only through env, so no input text is ever parsed as shell code.
            assert "${{" not in step["run"]


class Runner:
    """The files and variables of a GitHub runner that the action's bash steps use."""

    def __init__(self, root: Path, workspace: Path, inputs: dict[str, str]):
        self.root = root
        self.workspace = workspace
        self.inputs = {name: spec["default"] for name, spec in ACTION["inputs"].items()} | inputs
        self.outputs: dict[str, dict[str, str]] = {"python": {"python-path": sys.executable}}
        self.path_file = root / "github_path"
        self.path_file.write_text("", encoding="utf-8")
        (root / "runner_temp").mkdir()

    def expression(self, text: str, action_path: Path) -> str:
        def value(match: re.Match[str]) -> str:
            parts = match.group(1).strip().split(".")
            if parts[0] == "inputs":
                return self.inputs[parts[1]]
            if parts == ["github", "action_path"]:
                return str(action_path)
            if parts[0] == "steps" and parts[2] == "outputs":
                return self.outputs.get(parts[1], {}).get(parts[3], "")
            raise AssertionError(f"expression not handled by this test: {match.group(0)}")

        return re.sub(r"\$\{\{(.*?)\}\}", value, text)

    def run(self, name: str, action_path: Path = ROOT, extra_path: str = "", extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        step = STEPS[name]
        output_file = self.root / f"output_{step.get('id', 'step')}"
        output_file.write_text("", encoding="utf-8")
        added = [line for line in self.path_file.read_text(encoding="utf-8").splitlines() if line]
        env = {
            "PATH": os.pathsep.join(list(reversed(added)) + ([extra_path] if extra_path else []) + [os.environ["PATH"]]),
            "HOME": str(self.root),
            "GITHUB_ACTIONS": "true",
            "GITHUB_WORKSPACE": str(self.workspace),
            "GITHUB_OUTPUT": str(output_file),
            "GITHUB_PATH": str(self.path_file),
            "RUNNER_TEMP": str(self.root / "runner_temp"),
            "NO_COLOR": "1",
        }
        env |= {key: self.expression(value, action_path) for key, value in step.get("env", {}).items()}
        env |= extra_env or {}
        for name_ in ("PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS", "PIP_CONFIG_FILE", "SSL_CERT_FILE"):
            if name_ in os.environ:
                env[name_] = os.environ[name_]
        # GitHub runs a bash step as "bash --noprofile --norc -eo pipefail {0}".
        script = self.root / "step.sh"
        script.write_text(step["run"], encoding="utf-8")
        command = ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)]
        result = subprocess.run(command, cwd=self.workspace, env=env, capture_output=True, text=True, timeout=600)
        if "id" in step:
            pairs = [line.split("=", 1) for line in output_file.read_text(encoding="utf-8").splitlines() if "=" in line]
            self.outputs[step["id"]] = dict(pairs)
        return result


def test_action_install_step(tmp_path: Path, package_repo: Path) -> None:
    workspace = fixture_workspace(tmp_path)
    runner = Runner(tmp_path, workspace, {})
    install = runner.run("Install twitchpolicy", action_path=package_repo)

    assert install.returncode == 0, install.stderr
    venv_bin = tmp_path / "runner_temp" / "twitchpolicy-venv" / "bin"
    assert runner.path_file.read_text(encoding="utf-8") == f"{venv_bin}\n"
    version = subprocess.run([str(venv_bin / "twitchpolicy"), "--version"], capture_output=True, text=True, timeout=60)
    assert version.stdout == "twitchpolicy, version 0.1.0\n"


def venv_bin() -> str:
    return str(Path(sys.executable).parent)


def test_action_check_step_findings(tmp_path: Path) -> None:
    workspace = fixture_workspace(tmp_path)
    runner = Runner(tmp_path, workspace, {})
    check = runner.run("Run twitchpolicy", extra_path=venv_bin())

    assert check.returncode == 0, check.stderr
    assert runner.outputs["check"] == {"exit-code": "1"}
    annotations = check.stdout.splitlines()
    assert [line.split("::")[1] for line in annotations] == [
        "error file=bot.py,line=8,col=17,title=TP405 hardcoded-secret",
        "error file=bot.py,line=16,endLine=24,col=16,title=TP305 scopes-with-client-credentials",
        "error file=bot.py,line=44,col=16,title=TP201 app-token-not-accepted",
        "error file=bot.py,line=50,col=16,title=TP201 app-token-not-accepted",
    ]
    sarif = json.loads((workspace / "twitchpolicy.sarif").read_text(encoding="utf-8"))
    assert list(jsonschema.Draft4Validator(SARIF_SCHEMA).iter_errors(sarif)) == []
    assert len(sarif["runs"][0]["results"]) == 4

    fail = runner.run("Fail on findings")
    assert fail.returncode == 1
    assert fail.stdout == "twitchpolicy check exited with 1; the annotations above list the findings.\n"


def test_action_check_step_inputs(tmp_path: Path) -> None:
    workspace = fixture_workspace(tmp_path)
    (workspace / "src").mkdir()
    (workspace / "src" / "clean.py").write_text("print('no Twitch here')\n", encoding="utf-8")
    inputs = {"paths": "src bot.py", "args": "--select TP201 --ignore TP201", "sarif-file": "reports/out.sarif"}
    runner = Runner(tmp_path, workspace, inputs)
    check = runner.run("Run twitchpolicy", extra_path=venv_bin())

    assert check.returncode == 0, check.stderr
    assert runner.outputs["check"] == {"exit-code": "0"}
    assert check.stdout == ""
    sarif = json.loads((workspace / "reports" / "out.sarif").read_text(encoding="utf-8"))
    assert sarif["runs"][0]["results"] == []


def test_action_check_step_quoted_inputs(tmp_path: Path) -> None:
    workspace = fixture_workspace(tmp_path)
    (workspace / "my src").mkdir()
    (workspace / "my src" / "clean.py").write_text("print('no Twitch here')\n", encoding="utf-8")
    inputs = {"paths": "'my src' bot.py", "args": '--select "TP201" --ignore=\'TP201\''}
    runner = Runner(tmp_path, workspace, inputs)
    check = runner.run("Run twitchpolicy", extra_path=venv_bin())

    assert check.returncode == 0, check.stderr
    assert check.stderr == ""
    assert runner.outputs["check"] == {"exit-code": "0"}


def test_action_check_step_non_ascii_path(tmp_path: Path) -> None:
    workspace = fixture_workspace(tmp_path)
    (workspace / "données").mkdir()
    (workspace / "données" / "clean.py").write_text("print('no Twitch here')\n", encoding="utf-8")
    runner = Runner(tmp_path, workspace, {"paths": "'données' bot.py", "args": "--select TP201 --ignore TP201"})
    # A job may set an encoding for Python's standard streams that cannot write the path.
    check = runner.run("Run twitchpolicy", extra_path=venv_bin(), extra_env={"PYTHONIOENCODING": "ascii"})

    assert check.returncode == 0, check.stderr
    assert check.stdout == ""
    assert check.stderr == ""
    assert runner.outputs["check"] == {"exit-code": "0"}


def test_action_check_step_bad_quoting(tmp_path: Path) -> None:
    workspace = fixture_workspace(tmp_path)
    runner = Runner(tmp_path, workspace, {"args": '--select "TP201'})
    check = runner.run("Run twitchpolicy", extra_path=venv_bin())

    assert check.returncode == 0
    assert runner.outputs["check"] == {"exit-code": "2"}
    assert check.stdout == "::error title=twitchpolicy::invalid quoting in the paths or args input\n"
    assert runner.run("Fail on findings").returncode == 2


def test_action_check_step_usage_error(tmp_path: Path) -> None:
    workspace = fixture_workspace(tmp_path)
    runner = Runner(tmp_path, workspace, {"paths": "no/such/dir"})
    check = runner.run("Run twitchpolicy", extra_path=venv_bin())

    assert runner.outputs["check"] == {"exit-code": "2"}
    assert "twitchpolicy: error: path not found: no/such/dir" in check.stderr
    assert runner.run("Fail on findings").returncode == 2


# ---------------------------------------------------------------- docs/ci.md


DOCS = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
YAML_BLOCKS = re.findall(r"```yaml\n(.*?)```", DOCS, re.DOTALL)


def doc_commands() -> list[str]:
    """Return every twitchpolicy command of docs/ci.md: in plain code blocks, workflow steps and GitLab scripts."""
    commands = [line for block in re.findall(r"```\n(.*?)```", DOCS, re.DOTALL) for line in block.splitlines() if line.startswith("twitchpolicy ")]
    for block in YAML_BLOCKS:
        document = yaml.safe_load(block)
        if not isinstance(document, dict):
            continue
        steps = [step for job in document.get("jobs", {}).values() for step in job["steps"]]
        commands += [step["run"] for step in steps if str(step.get("run", "")).startswith("twitchpolicy ")]
        for job in document.values():
            if isinstance(job, dict) and "script" in job:
                commands += [line for line in job["script"] if line.startswith("twitchpolicy ")]
    return commands


def test_docs_yaml_blocks_parse() -> None:
    assert len(YAML_BLOCKS) == 5
    for block in YAML_BLOCKS:
        # The args example is a fragment of a hooks list, indented as it sits in the full file.
        yaml.safe_load(block if not block.startswith("      ") else "hooks:\n" + block)


def test_docs_refer_to_real_hook_and_inputs() -> None:
    config = yaml.safe_load(YAML_BLOCKS[0])
    assert config["repos"][0]["hooks"] == [{"id": "twitchpolicy"}]
    workflow = yaml.safe_load(YAML_BLOCKS[2])
    action_step = workflow["jobs"]["twitchpolicy"]["steps"][1]
    assert action_step["uses"].startswith("OWNER/twitchpolicy@")
    assert set(action_step["with"]) <= set(ACTION["inputs"])
    for name in ACTION["inputs"]:
        assert f"| `{name}` |" in DOCS


def test_docs_commands_run(tmp_path: Path, cli) -> None:
    workspace = fixture_workspace(tmp_path)
    commands = doc_commands()

    assert len(commands) == 6
    results = {}
    for command in commands:
        words = shlex.split(command)
        assert words[0] == "twitchpolicy"
        result = cli(*words[1:], cwd=workspace)
        assert result.returncode in (0, 1), f"{command}: {result.stderr}"
        assert result.stderr == "" or "hidden by baseline" in result.stderr, f"{command}: {result.stderr}"
        results[command] = result.returncode

    assert list(results.values()) == [0, 0, 0, 1, 0, 1]
    assert json.loads((workspace / "twitchpolicy-baseline.json").read_text(encoding="utf-8"))["version"] == 1
    assert list(jsonschema.Draft4Validator(SARIF_SCHEMA).iter_errors(json.loads((workspace / "twitchpolicy.sarif").read_text(encoding="utf-8")))) == []
    assert len(json.loads((workspace / "gl-code-quality-report.json").read_text(encoding="utf-8"))) == 4
    assert ElementTree.parse(workspace / "twitchpolicy-junit.xml").getroot().find("testsuite").get("failures") == "4"


def test_readme_ci_commands_run(tmp_path: Path, cli) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Output for CI", 1)[1].split("###", 1)[0]
    block = re.search(r"```\n(.*?)```", section, re.DOTALL).group(1)
    commands = [line.split("  #")[0].strip() for line in block.splitlines() if line.strip()]
    workspace = fixture_workspace(tmp_path)

    assert len(commands) == 4
    codes = [cli(*shlex.split(command)[1:], cwd=workspace).returncode for command in commands]
    assert codes == [1, 1, 0, 0]
    assert (workspace / "twitchpolicy.sarif").is_file()
