"""The two staff groups; permissions exist only after migrate, so post_migrate keeps them."""

from django.contrib.auth.models import Group, Permission

CASEWORKER = "Handläggare"
READER = "Läsare"

# Handläggare enter projects, decisions and organisations and handle decision proposals;
# the code lists they may only read.
CASEWORKER_WRITES = [
    "project",
    "decision",
    "organisation",
    "decisionproposal",
    "projectorganisation",
]
VIEWED = [
    "project",
    "decision",
    "organisation",
    "programme",
    "programmearea",
    "specificobjective",
    "region",
    "regionalias",
    "interventionfield",
    "decisionproposal",
    "projectorganisation",
]


def ensure_groups(**kwargs) -> None:
    """Create or refresh the groups; run after every migrate."""
    codenames = {f"view_{model}" for model in VIEWED}
    reader, _ = Group.objects.get_or_create(name=READER)
    reader.permissions.set(
        Permission.objects.filter(content_type__app_label="projects", codename__in=codenames)
    )
    writes = {f"{action}_{model}" for model in CASEWORKER_WRITES for action in ("add", "change")}
    caseworker, _ = Group.objects.get_or_create(name=CASEWORKER)
    caseworker.permissions.set(
        Permission.objects.filter(
            content_type__app_label="projects", codename__in=codenames | writes
        )
    )
