"""Decision proposals: stored from news, matched to projects, accepted or rejected."""

import datetime
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from projects import permissions
from projects.importers import news, proposals
from projects.models import Decision, DecisionProposal, Organisation, Programme, Project
from projects.services import proposals as proposal_services
from tests.factories import OrganisationFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
SPIK = ROOT / "fixtures" / "news" / "000_dc4018ebfd2e4e16.txt"
KRONOBERG = ROOT / "fixtures" / "news" / "004_6ef21ffb7d31aa7b.txt"
PRESS_RELEASE = ROOT / "tests" / "data" / "news" / "pressmeddelande_2021-03-15.txt"


def user_in(group: str):
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def kronoberg():
    """The extended project, as the project bank would have it before the extension."""
    return ProjectFactory(
        diary_number="2017/00123",
        name="Etableringssamverkan Kronoberg",
        owner=OrganisationFactory(name="Växjö kommun"),
        start_date=datetime.date(2017, 9, 1),
        end_date=datetime.date(2020, 8, 31),
        total_budget=40_000_000,
        esf_grant=20_000_000,
    )


def import_files(*paths):
    return proposals.import_news([result for path in paths for result in news.parse_path(path)])


def test_the_seed_news_become_proposals_not_decisions(kronoberg):
    report = import_files(SPIK, KRONOBERG)

    spik, extension = sorted(report.proposed, key=lambda p: p.source_name)
    assert (spik.kind, spik.amount, spik.amount_precision) == ("grant", 15_500_000, "approximate")
    assert spik.total_budget == 33_000_000
    assert spik.project is None
    assert spik.decided_by == "Strukturfondspartnerskapet för Småland och Öarna"
    assert spik.text_date == datetime.date(2020, 6, 8)
    assert (extension.kind, extension.amount) == ("extension", 17_000_000)
    assert extension.new_end_date == datetime.date(2021, 10, 31)
    assert extension.project == kronoberg
    assert extension.match_confidence == 100
    assert extension.text_date == datetime.date(2020, 10, 12)
    assert kronoberg.decisions.count() == 1
    assert spik.history.count() == 1


def test_a_text_imported_twice_proposes_nothing_new():
    import_files(PRESS_RELEASE)

    again = import_files(PRESS_RELEASE)

    assert again.proposed == []
    assert again.known == [PRESS_RELEASE.name]
    assert DecisionProposal.objects.count() == 5


def test_import_news_command_stores_proposals_and_says_so(capsys):
    # a project page given by mistake is skipped with its reason
    call_command("import_news", str(PRESS_RELEASE), str(ROOT / "fixtures" / "news"),
                 str(ROOT / "fixtures" / "projectbank" / "001_1edcad09a78b9a57.txt"))  # fmt: skip

    out = capsys.readouterr().out
    assert "7 proposed" in out
    assert "001_1edcad09a78b9a57.txt: skipped" in out
    assert DecisionProposal.objects.count() == 7


def test_a_match_by_acronym_and_owner_is_less_sure_than_by_name():
    owner = OrganisationFactory(name="Eskilstuna kommun")
    project = ProjectFactory(name="Unga i jobbet (UIJ)", owner=owner)

    match = proposal_services.match_project(
        name="Unga i jobb", acronym="UIJ", owner="Eskilstuna kommun"
    )

    assert match.project == project
    assert 50 <= match.confidence < 100


def test_no_project_matches_an_unknown_name():
    ProjectFactory(name="Något helt annat")

    match = proposal_services.match_project(name="Vägen vidare", owner="Region Örebro län")

    assert match.project is None


def test_accepting_records_the_decision_through_the_ledger(kronoberg):
    [proposal] = import_files(KRONOBERG).proposed
    caseworker = user_in(permissions.CASEWORKER)

    decision = proposal_services.accept_proposal(
        proposal=proposal,
        user=caseworker,
        decided_on=datetime.date(2020, 10, 1),
        kind=Decision.Kind.EXTENSION,
        decided_by=proposal.decided_by,
        esf_grant_change=17_207_538,
        new_end_date=proposal.new_end_date,
        project=kronoberg,
    )

    kronoberg.refresh_from_db()
    assert kronoberg.esf_grant == 20_000_000 + 17_207_538
    assert kronoberg.end_date == datetime.date(2021, 10, 31)
    assert decision.proposal == proposal
    assert proposal.status == DecisionProposal.Status.ACCEPTED
    assert proposal.reviewed_by == caseworker
    assert [h.status for h in proposal.history.order_by("history_id")] == ["proposed", "accepted"]


def test_an_approximate_amount_must_be_confirmed_before_it_is_a_decision(kronoberg):
    [proposal] = import_files(KRONOBERG).proposed
    accept = {
        "proposal": proposal,
        "user": user_in(permissions.CASEWORKER),
        "decided_on": datetime.date(2020, 10, 1),
        "kind": Decision.Kind.EXTENSION,
        "esf_grant_change": 17_000_000,
        "project": kronoberg,
    }

    with pytest.raises(ValidationError) as refused:
        proposal_services.accept_proposal(**accept)
    assert "amounts_confirmed" in refused.value.message_dict
    assert kronoberg.decisions.count() == 1

    proposal_services.accept_proposal(**accept, amounts_confirmed=True)
    kronoberg.refresh_from_db()
    assert kronoberg.esf_grant == 37_000_000


def test_a_reader_may_not_accept_or_reject(kronoberg):
    [proposal] = import_files(KRONOBERG).proposed
    reader = user_in(permissions.READER)

    with pytest.raises(PermissionDenied):
        proposal_services.reject_proposal(proposal=proposal, user=reader)
    with pytest.raises(PermissionDenied):
        proposal_services.accept_proposal(
            proposal=proposal, user=reader, decided_on=None, kind="grant", project=kronoberg
        )


def test_a_handled_proposal_cannot_be_handled_again():
    [proposal, *_rest] = import_files(PRESS_RELEASE).proposed
    caseworker = user_in(permissions.CASEWORKER)
    proposal_services.reject_proposal(proposal=proposal, user=caseworker, note="Fel text")

    with pytest.raises(ValidationError):
        proposal_services.reject_proposal(proposal=proposal, user=caseworker)
    assert proposal.review_note == "Fel text"


# --- The admin -----------------------------------------------------------------------------------


def change_url(proposal) -> str:
    return reverse("admin:projects_decisionproposal_change", args=[proposal.pk])


def form_data(proposal, **changes) -> dict:
    data = {
        "kind": proposal.kind,
        "project": proposal.project_id or "",
        "decided_by": proposal.decided_by,
        "new_end_date": proposal.new_end_date.isoformat() if proposal.new_end_date else "",
        "review_note": "",
        "action": "save",
        "decided_on": proposal.text_date.isoformat() if proposal.text_date else "",
        "esf_grant_change": proposal.amount or "",
        "total_budget_change": "",
        "new_diary_number": "",
        "new_programme": "",
        "new_owner": "",
        "new_region": "",
        "new_start_date": "",
    }
    data.update(changes)
    return data


def test_the_admin_shows_the_text_beside_the_project(client, kronoberg):
    [proposal] = import_files(KRONOBERG).proposed
    client.force_login(user_in(permissions.CASEWORKER))

    response = client.get(change_url(proposal))

    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="proposal-comparison"' in body
    assert "Projektet ägs av Växjö kommun och har pågått sedan 2017." in body
    assert "drygt 17 miljoner kronor" in body


def test_the_admin_refuses_an_unconfirmed_approximate_amount(client, kronoberg):
    [proposal] = import_files(KRONOBERG).proposed
    client.force_login(user_in(permissions.CASEWORKER))

    response = client.post(change_url(proposal), form_data(proposal, action="accept"))

    assert response.status_code == 200
    assert "amounts_confirmed" in response.context["adminform"].form.errors
    assert kronoberg.decisions.count() == 1


def test_the_admin_accepts_with_the_letters_amount(client, kronoberg):
    [proposal] = import_files(KRONOBERG).proposed
    client.force_login(user_in(permissions.CASEWORKER))

    response = client.post(
        change_url(proposal),
        form_data(proposal, action="accept", esf_grant_change="17 207 538"),
    )

    assert response.status_code == 302
    kronoberg.refresh_from_db()
    assert kronoberg.esf_grant == 37_207_538
    assert kronoberg.end_date == datetime.date(2021, 10, 31)
    proposal.refresh_from_db()
    assert proposal.status == DecisionProposal.Status.ACCEPTED
    assert proposal.decision.kind == Decision.Kind.EXTENSION


def test_the_admin_creates_a_new_project_from_a_grant(client):
    [proposal] = import_files(SPIK).proposed
    client.force_login(user_in(permissions.CASEWORKER))
    programme = Programme.objects.get(period="2014-2020")
    owner = OrganisationFactory(name="Växjö kommun")

    response = client.post(
        change_url(proposal),
        form_data(
            proposal,
            action="accept",
            esf_grant_change="15 532 000",
            total_budget_change="33 104 000",
            decided_on="2020-06-01",
            new_end_date="2022-12-31",
            new_diary_number="2020/00077",
            new_programme=programme.pk,
            new_start_date="2020-09-01",
            new_owner=owner.pk,
        ),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    project = Project.objects.get(diary_number="2020/00077")
    assert project.name == "Sammansatt problematik i Kronobergs län (SpiK)"
    assert (project.esf_grant, project.total_budget) == (15_532_000, 33_104_000)
    assert project.decisions.get().decided_by == proposal.decided_by
    assert project.owner == owner


def test_a_new_project_needs_an_owner_when_the_text_names_none(client):
    [proposal] = import_files(SPIK).proposed
    client.force_login(user_in(permissions.CASEWORKER))

    response = client.post(change_url(proposal), form_data(proposal, action="accept"))

    assert "new_owner" in response.context["adminform"].form.errors
    assert Project.objects.count() == 0


def test_a_new_owner_named_by_the_text_is_created_on_acceptance():
    [proposal, *_rest] = import_files(PRESS_RELEASE).proposed
    new = Project(
        diary_number="2021/00001",
        programme=Programme.objects.get(period="2014-2020"),
        name="Unga i jobb (UIJ)",
        owner=Organisation(name=proposal.organisation_name),
        start_date=datetime.date(2021, 4, 1),
        end_date=datetime.date(2023, 3, 31),
    )

    proposal_services.accept_proposal(
        proposal=proposal,
        user=user_in(permissions.CASEWORKER),
        decided_on=datetime.date(2021, 3, 10),
        kind=Decision.Kind.GRANT,
        esf_grant_change=4_212_000,
        new_end_date=datetime.date(2023, 3, 31),
        new_project=new,
    )

    assert Organisation.objects.get(name="Eskilstuna kommun").projects.get() == new


def test_the_admin_rejects_with_a_note(client):
    [proposal, *_rest] = import_files(PRESS_RELEASE).proposed
    client.force_login(user_in(permissions.CASEWORKER))

    response = client.post(
        change_url(proposal), form_data(proposal, action="reject", review_note="Redan inlagt")
    )

    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.review_note) == ("rejected", "Redan inlagt")
    assert Decision.objects.count() == 0


def test_a_reader_sees_proposals_but_cannot_change_them(client):
    [proposal, *_rest] = import_files(PRESS_RELEASE).proposed
    client.force_login(user_in(permissions.READER))

    assert client.get(change_url(proposal)).status_code == 200
    response = client.post(change_url(proposal), form_data(proposal, action="reject"))
    assert response.status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == "proposed"


def test_the_import_page_takes_news(client):
    client.force_login(user_in(permissions.CASEWORKER))
    upload = SimpleUploadedFile(PRESS_RELEASE.name, PRESS_RELEASE.read_bytes())

    response = client.post("/admin/projects/project/import/", {"source": "news", "files": [upload]})

    assert response.status_code == 200
    assert 'id="news-proposals"' in response.content.decode()
    assert DecisionProposal.objects.count() == 5
    assert Project.objects.count() == 0


def test_the_proposal_list_shows_open_proposals_first(client, kronoberg):
    import_files(KRONOBERG, PRESS_RELEASE)
    client.force_login(user_in(permissions.CASEWORKER))

    response = client.get(
        reverse("admin:projects_decisionproposal_changelist"), {"status__exact": "proposed"}
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert "Etableringssamverkan Kronoberg" in body and "Unga i jobb" in body
