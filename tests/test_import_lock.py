"""One import at a time: a second concurrent import is refused with a clear message, and a
database integrity error is reported, never a traceback."""

import threading
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction

from projects import permissions, reference, services
from projects.importers import lock, projectbank, save
from projects.models import Project
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "fixtures" / "projectbank"
SEED_2014 = SEEDS / "001_1edcad09a78b9a57.txt"
URL = "/admin/projects/project/import/"
BUSY_SV = "En annan import pågår. Försök igen om en stund."

needs_postgresql = pytest.mark.skipif(
    "connection.vendor != 'postgresql'",
    reason="the advisory lock is PostgreSQL's; on SQLite writes are serialised by the database",
)


@pytest.fixture
def lock_taken(monkeypatch):
    """As if another process held the import lock."""

    def taken():
        raise lock.ImportBusy
        yield  # pragma: no cover

    monkeypatch.setattr(save, "import_lock", lock.contextlib.contextmanager(taken))


@pytest.mark.django_db
def test_the_command_refuses_to_run_beside_another_import(lock_taken, capsys):
    with pytest.raises(CommandError) as raised:
        call_command("import_projectbank", str(SEEDS))

    assert raised.value.returncode == 1
    assert "another import is running; try again in a moment" in str(raised.value)
    assert "nothing was saved" in str(raised.value)
    assert Project.objects.count() == 0


@pytest.mark.django_db
def test_the_admin_shows_a_message_when_another_import_is_running(client, lock_taken):
    user = UserFactory()
    user.groups.add(Group.objects.get(name=permissions.CASEWORKER))
    client.force_login(user)
    page = SimpleUploadedFile(SEED_2014.name, SEED_2014.read_bytes())

    response = client.post(URL, {"source": "projectbank", "files": [page]})

    assert response.status_code == 409
    assert BUSY_SV in response.content.decode()
    assert response.context["report"] is None
    assert Project.objects.count() == 0


@pytest.mark.django_db
def test_an_integrity_error_is_reported_and_nothing_is_saved(monkeypatch, client):
    def conflict(**kwargs):
        raise IntegrityError('duplicate key value violates unique constraint "diary_number"')

    monkeypatch.setattr(services, "create_projects", conflict)

    report = save.import_pages(projectbank.parse_path(SEEDS))

    assert report.rolled_back and report.failed
    assert report.errors == [
        "database integrity error, the run was rolled back: duplicate key value violates "
        'unique constraint "diary_number"'
    ]
    assert report.count("created") == 0
    with pytest.raises(CommandError, match="database integrity error"):
        call_command("import_projectbank", str(SEEDS))
    user = UserFactory()
    user.groups.add(Group.objects.get(name=permissions.CASEWORKER))
    client.force_login(user)
    page = SimpleUploadedFile(SEED_2014.name, SEED_2014.read_bytes())
    response = client.post(URL, {"source": "projectbank", "files": [page]})
    assert response.status_code == 200
    assert "Importen avbröts av ett databasfel och ingenting sparades" in response.content.decode()
    assert Project.objects.count() == 0


def test_the_file_lock_is_exclusive(tmp_path):
    path = str(tmp_path / "db.sqlite3.import-lock")
    with lock.file_lock(path):
        with pytest.raises(lock.ImportBusy), lock.file_lock(path):
            pass  # pragma: no cover
    with lock.file_lock(path):  # free again
        pass


def hold_advisory_lock(taken: threading.Event, release: threading.Event) -> None:
    """Another import's transaction, on its own connection, holding the lock until told."""
    try:
        with transaction.atomic(), lock.import_lock():
            taken.set()
            release.wait(30)
    finally:
        connection.close()


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_second_import_is_refused_while_the_first_holds_the_lock(client):
    reference.load(apps)
    taken, release = threading.Event(), threading.Event()
    holder = threading.Thread(target=hold_advisory_lock, args=(taken, release))
    holder.start()
    try:
        assert taken.wait(10)
        with pytest.raises(CommandError, match="another import is running"):
            call_command("import_projectbank", str(SEEDS))
        client.force_login(UserFactory(is_superuser=True))
        page = SimpleUploadedFile(SEED_2014.name, SEED_2014.read_bytes())
        response = client.post(URL, {"source": "projectbank", "files": [page]})
        assert response.status_code == 409
        assert BUSY_SV in response.content.decode()
        assert Project.objects.count() == 0
    finally:
        release.set()
        holder.join()

    call_command("import_projectbank", str(SEEDS))  # the lock went with the transaction
    assert Project.objects.count() == 3


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_imports_of_one_new_file_never_end_in_a_traceback():
    reference.load(apps)
    start = threading.Barrier(2)
    outcomes: list[object] = []

    def run():
        try:
            start.wait(10)
            report = save.import_pages(projectbank.parse_path(SEEDS))
            outcomes.append("busy" if report.busy else report.counts())
        except Exception as error:  # noqa: BLE001 - the test reports what went wrong
            outcomes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    created = [o for o in outcomes if isinstance(o, dict) and o["created"] == 3]
    assert len(created) == 1, outcomes
    assert Project.objects.count() == 3
