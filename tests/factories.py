"""Factories for test data. Reference rows come from the data migration, so they are looked up."""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone
from factory.django import DjangoModelFactory

from projects import demo, services
from projects.models import Decision, Organisation, Programme, ProgrammeArea, Project, Region


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    # Valid, distinct numbers: 212000-… is the municipal range; the last digit completes Luhn.
    org_number = factory.Sequence(lambda n: demo.luhn_complete(f"21{2000000 + n:07d}"))


class ProjectFactory(DjangoModelFactory):
    """A project entered as the registry enters one: with its grant, through the services.

    `esf_grant`, `total_budget` and `end_date` are the grant decision's; the project's figures
    then follow from its decisions as everywhere else (`check_invariants` holds).
    """

    class Meta:
        model = Project

    diary_number = factory.Sequence(lambda n: f"2020/{n:05d}")
    programme = factory.LazyFunction(lambda: Programme.objects.get(period="2014-2020"))
    name = factory.Sequence(lambda n: f"Projekt {n}")
    owner = factory.SubFactory(OrganisationFactory)
    region = factory.LazyFunction(lambda: Region.objects.get(code="SE21"))
    programme_area = factory.LazyAttribute(
        lambda p: ProgrammeArea.objects.get(programme=p.programme, code="2")
    )
    start_date = datetime.date(2020, 2, 1)
    end_date = factory.LazyAttribute(lambda p: p.start_date + datetime.timedelta(days=880))
    total_budget = 29_815_599
    esf_grant = factory.LazyAttribute(lambda p: p.total_budget // 2)
    cofinancing_rate = Decimal("50.00")
    planned_participants = 210

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        project = model_class(*args, **kwargs)
        decided_on = min(project.start_date - datetime.timedelta(days=30), timezone.localdate())
        return services.create_project(
            project=project,
            grant=Decision(
                kind=Decision.Kind.GRANT,
                decided_on=decided_on,
                decided_by="Strukturfondspartnerskapet Småland och Öarna",
                esf_grant_change=project.esf_grant,
                total_budget_change=project.total_budget,
                new_end_date=project.end_date,
            ),
        )


class Project2007Factory(ProjectFactory):
    """A 2007–2013 project: no diary number; its page's address in the project bank names it."""

    diary_number = None
    programme = factory.LazyFunction(lambda: Programme.objects.get(period="2007-2013"))
    source_url = factory.Sequence(
        lambda n: f"https://www.esf.se/projektbanken-2007-2013/kompetenslyft-{n}/"
    )
    start_date = datetime.date(2009, 3, 1)
    planned_participants = None


class DecisionFactory(DjangoModelFactory):
    """A later decision on a project (by default a change adding money), applied through the
    services: the project's totals, end date, decision count and date follow."""

    class Meta:
        model = Decision

    project = factory.SubFactory(ProjectFactory)
    kind = Decision.Kind.CHANGE
    decided_on = datetime.date(2020, 6, 15)
    decided_by = "Strukturfondspartnerskapet Småland och Öarna"
    esf_grant_change = 1_000_000
    total_budget_change = 2_000_000

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        decision = model_class(*args, **kwargs)
        services.apply_decision(decision=decision)
        decision.project.refresh_from_db()
        return decision


PASSWORD = "lösenord-för-test"


class UserFactory(DjangoModelFactory):
    """A staff user whose password is PASSWORD (or `password=`), hashed by the first of
    PASSWORD_HASHERS when the user is built: MD5 in the tests (tests/conftest.py)."""

    class Meta:
        model = get_user_model()

    username = factory.Sequence(lambda n: f"user{n}")
    is_staff = True
    password = factory.django.Password(PASSWORD)
