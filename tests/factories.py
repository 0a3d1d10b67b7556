"""Factories for test data. Reference rows come from the data migration, so they are looked up."""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.db.models import Count, Max
from factory.django import DjangoModelFactory

from projects import demo
from projects.models import Decision, Organisation, Programme, ProgrammeArea, Project, Region


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    # Valid, distinct numbers: 212000-… is the municipal range; the last digit completes Luhn.
    org_number = factory.Sequence(lambda n: demo.luhn_complete(f"21{2000000 + n:07d}"))


class ProjectFactory(DjangoModelFactory):
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


class DecisionFactory(DjangoModelFactory):
    class Meta:
        model = Decision

    project = factory.SubFactory(ProjectFactory)
    kind = Decision.Kind.GRANT
    decided_on = datetime.date(2020, 1, 15)
    decided_by = "Strukturfondspartnerskapet Småland och Öarna"
    esf_grant_change = 1_000_000
    total_budget_change = 2_000_000

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        """Save the decision and, as services do, its project's decision count and latest date
        (not its money: tests set that themselves)."""
        decision = super()._create(model_class, *args, **kwargs)
        project = decision.project
        facts = project.decisions.aggregate(count=Count("id"), last=Max("decided_on"))
        project.decision_count, project.last_decision_date = facts["count"], facts["last"]
        project.save(update_fields=["decision_count", "last_decision_date"])
        return decision


PASSWORD = "lösenord-för-test"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    is_staff = True

    @factory.post_generation
    def password(user, create, extracted, **kwargs):
        user.set_password(extracted or PASSWORD)
        if create:
            user.save()
