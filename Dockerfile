# ESF-portalen: Django under gunicorn, static files served by WhiteNoise from the image.
#   docker build -t esfportal .
#   docker run -e DJANGO_SECRET_KEY=… -e DATABASE_URL=postgres://… -e DJANGO_ALLOWED_HOSTS=… esfportal
# compose.yaml runs it with PostgreSQL; docs/operations.md lists the settings. CI has no Docker
# engine: tests/test_dockerfile.py checks this file and, with ESF_DOCKERFILE_BUILD=1, runs its
# RUN steps in a fresh virtual environment.

# --- build: dependencies, compiled translations, collected static files ----------------------
FROM python:3.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH
# msgfmt for compilemessages; only this stage has it. Not pinned: Debian's stable point
# releases replace the exact version, and the .mo files it writes do not depend on it.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# Dependencies first, from pyproject.toml alone, so a code change reuses this layer.
COPY pyproject.toml ./
RUN python -m venv "$VIRTUAL_ENV" \
    && python -c "import tomllib; print(*tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies'], sep='\n')" > requirements.txt \
    && pip install -r requirements.txt
COPY manage.py ./
COPY esfportal ./esfportal
COPY projects ./projects
COPY templates ./templates
COPY static ./static
COPY locale ./locale
COPY fixtures ./fixtures
ENV DJANGO_STATIC_ROOT=/app/staticfiles
RUN python manage.py compilemessages -v0 \
    && python manage.py collectstatic --no-input -v0

# --- runtime: the same Python, no compilers or gettext, a user without rights to the code ----
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    DJANGO_STATIC_ROOT=/app/staticfiles \
    CACHE_URL=file:///tmp/esfportal-cache \
    WEB_CONCURRENCY=3
RUN useradd --system --no-create-home --uid 10001 --user-group esf
COPY --from=build /opt/venv /opt/venv
COPY --from=build /app /app
WORKDIR /app
# Numeric, so that Kubernetes' runAsNonRoot can verify it.
USER 10001:10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
# Workers: gunicorn reads WEB_CONCURRENCY (about 2 per core); threaded workers, so that an idle
# keep-alive or preconnected browser socket does not hold a whole worker until its timeout.
# Access log: one key=value line per request on stdout, like the app's own log.
# Each worker is replaced after 1000 (±100) requests, so memory a large request left behind
# (an import, an export) is given back; the jitter keeps the workers from restarting together.
CMD ["gunicorn", "esfportal.wsgi", "--bind", "0.0.0.0:8000", "--worker-class", "gthread", "--threads", "4", "--max-requests", "1000", "--max-requests-jitter", "100", "--access-logfile", "-", "--access-logformat", "logger=gunicorn.access remote=%(h)s method=%(m)s path=\"%(U)s\" query=\"%(q)s\" status=%(s)s bytes=%(B)s ms=%(M)s agent=\"%(a)s\""]
