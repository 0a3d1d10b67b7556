"""Shared parts of the benchmark scripts: servers on loopback ports, manage.py, wrk.

`bench/load.py` and `bench/compare.py` both run the site under gunicorn with production
settings (DEBUG off, a random secret key, collected static files, HTTPS off so that plain
http://127.0.0.1 works) and drive it with wrk. Everything here binds and requests 127.0.0.1 only.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"

# The bilingual header row of ESF-rådet's list of operations, as the generated test files write it
# (bench/import_operations.py, bench/load.py).
OPERATIONS_HEADERS = [
    "Diarienummer / Operation ID",
    "Stödmottagare / Beneficiary",
    "Projektägare organisationsnummer / Beneficiary ID",
    "Projektägare ort / Beneficiary city",
    "Stödmottagarens land / Beneficiary country",
    "Namn på insatsen / Operation Name",
    "Programområde / Priority",
    "Specifikt mål / Specific objective concerned",
    "Interventionsområde / Intervention field",
    "Total projektbudget / Total budget SEK",
    "Unionens medfinansieringsgrad / Union co-financing rate",
    "EU-stöd i SEK / EU contribution SEK",
    "Sammanfattning / Summary",
    "Startdatum / Start date",
    "Slutdatum / End date",
    "EU-fond / EU fund",
    "Program CCI / Program CCI",
]

# wrk calls done() once after the run; summary.errors.status counts answers with status > 399.
WRK_RESULT_LUA = r"""
function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  io.write(string.format(
    'RESULT {"requests": %d, "seconds": %.3f, "requests_per_s": %.2f, "p50_ms": %.2f, ' ..
    '"p90_ms": %.2f, "p99_ms": %.2f, "max_ms": %.2f, "bytes": %d, "errors": {"connect": %d, ' ..
    '"read": %d, "write": %d, "timeout": %d, "status": %d}}\n',
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, summary.bytes,
    summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.timeout, summary.errors.status))
end
"""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def production_env(workdir: Path, **extra: str) -> dict[str, str]:
    """The environment of a production-like deploy on loopback, static files under `workdir`."""
    env = {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": HOST,
        "DJANGO_HTTPS": "false",
        "DJANGO_STATIC_ROOT": str(workdir / "static"),
        "DJANGO_LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "esfportal.settings",
    }
    env.update(extra)
    return env


def manage(*args: str, env: dict[str, str], check: bool = True) -> subprocess.CompletedProcess:
    """Run `manage.py` with `env`; output captured (and shown when it fails)."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if check and result.returncode != 0:
        raise RuntimeError(
            f"manage.py {' '.join(args)} exited {result.returncode}:\n"
            f"{result.stdout}{result.stderr}"
        )
    return result


@dataclass
class Server:
    """A server process on a loopback port, started in a session of its own."""

    name: str
    process: subprocess.Popen
    port: int
    log: Path
    files: list = field(default_factory=list, repr=False)

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    def stop(self, timeout: float = 30) -> None:
        """SIGTERM, then SIGKILL to the whole process group if it has not gone in `timeout`."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(self.process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.process.wait(timeout=10)
        for handle in self.files:
            handle.close()

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def start(name: str, command: list[str], *, port: int, env: dict[str, str], log: Path) -> Server:
    """Start `command` with stdout and stderr into `log`; new session, so Ctrl-C reaches only
    this script, which then stops the server itself."""
    handle = open(log, "w")  # noqa: SIM115 (closed by Server.stop)
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=handle,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    return Server(name=name, process=process, port=port, log=log, files=[handle])


def start_gunicorn(
    env: dict[str, str],
    *,
    workdir: Path,
    workers: int = 3,
    threads: int = 4,
    access_log: Path | None = None,
    name: str = "gunicorn",
) -> Server:
    """gunicorn with the Dockerfile's worker class (gthread) on a free loopback port."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "esfportal.wsgi",
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "gthread",
        "--threads",
        str(threads),
        "--timeout",
        "60",
    ]
    if access_log is not None:
        command += [
            "--access-logfile",
            str(access_log),
            "--access-logformat",
            "%(U)s %(s)s %(M)s",
        ]
    return start(name, command, port=port, env=env, log=workdir / f"{name}.log")


def wait_ready(server: Server, path: str = "/healthz", timeout: float = 60) -> None:
    """Wait until `path` answers 200; fail with the server's log if it exits or never does."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(
                f"{server.name} exited with {server.process.returncode}:\n{server.log_tail()}"
            )
        try:
            with urllib.request.urlopen(server.base + path, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{server.name} not ready after {timeout:.0f} s:\n{server.log_tail()}")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Leaves a redirect as the answer, so that a 3xx fails a check for 200."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def fetch(url: str, timeout: float = 120) -> tuple[int, bytes]:
    """GET without following redirects: (status, body); a 3xx or an error is its status."""
    try:
        with _OPENER.open(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def fetch_ok(url: str, timeout: float = 120) -> bytes:
    """The body of `url`; raises unless the answer is 200."""
    status, body = fetch(url, timeout=timeout)
    if status != 200:
        raise RuntimeError(f"GET {url} answered {status}, not 200:\n{body[:500]!r}")
    return body


def require_wrk() -> str:
    """wrk's path; exits with how to install it when it is missing."""
    path = shutil.which("wrk")
    if not path:
        sys.exit("wrk not found: apt-get install -y wrk")
    return path


def _processes() -> dict[int, tuple[int, int, str]]:
    """pid → (parent pid, CPU clock ticks used so far, command line), from Linux's /proc."""
    result = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
            command = Path(entry.path, "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, UnicodeDecodeError):
            continue
        fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (name) "
        result[int(entry.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]), command)
    return result


class ForeignCpu:
    """CPU seconds used by processes other than this one's, its children and their database
    sessions, between creation and `seconds()`: work that shares the cores with a measurement.

    Counts nothing where /proc does not exist.
    """

    def __init__(self, database: str = "") -> None:
        self.database = database
        self.before = _processes() if Path("/proc/self/stat").exists() else {}

    def _own(self, processes: dict[int, tuple[int, int, str]]) -> set[int]:
        """This process, its descendants and the database's backends (parallel workers too)."""
        own = {os.getpid()}
        changed = True
        while changed:  # descendants, however deep
            grown = {pid for pid, (parent, _, _) in processes.items() if parent in own}
            changed = not grown <= own
            own |= grown
        if self.database:
            own |= {
                pid
                for pid, (_, _, command) in processes.items()
                if command.startswith("postgres:") and f" {self.database} " in command
            }
        for pid, (_, _, command) in processes.items():
            match = re.search(r"parallel worker for PID (\d+)", command)
            if match and int(match.group(1)) in own:
                own.add(pid)
        return own

    def seconds(self) -> float:
        """CPU seconds the other processes used since this object was made."""
        if not self.before:
            return 0.0
        after = _processes()
        own = self._own(after)
        ticks = 0
        for pid, (_, used, _) in after.items():
            if pid not in own:
                previous = self.before.get(pid)
                ticks += used - previous[1] if previous else used
        return max(ticks, 0) / os.sysconf("SC_CLK_TCK")


def wrk_command(
    url: str,
    *,
    script: Path,
    duration: float,
    connections: int = 8,
    threads: int = 2,
    timeout: int = 30,
) -> list[str]:
    """wrk's command line: `threads` threads, `connections` connections, whole seconds."""
    return [
        "wrk",
        "-t",
        str(threads),
        "-c",
        str(connections),
        "-d",
        f"{max(1, round(duration))}s",
        "--timeout",
        f"{timeout}s",
        "--latency",
        "-s",
        str(script),
        url,
    ]


def parse_result(output: str) -> dict:
    """The JSON that a wrk script's done() printed after `RESULT `."""
    match = re.search(r"^RESULT (.*)$", output, re.MULTILINE)
    if not match:
        raise RuntimeError(f"no RESULT line in wrk's output:\n{output}")
    return json.loads(match.group(1))


def run_wrk(
    url: str,
    *,
    script: Path,
    duration: float,
    connections: int = 8,
    threads: int = 2,
    timeout: int = 30,
) -> dict:
    """wrk against one URL with a script whose done() prints a RESULT line; that line's data."""
    command = wrk_command(
        url,
        script=script,
        duration=duration,
        connections=connections,
        threads=threads,
        timeout=timeout,
    )
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=duration + timeout + 60
    )
    if result.returncode != 0:
        raise RuntimeError(f"wrk failed ({result.returncode}):\n{result.stdout}{result.stderr}")
    return parse_result(result.stdout)
