"""Writes to the code lists and organisations that importers make on the way: a code a list
lacks, an organisation number added to an organisation known by name, a demo organisation that
a real source names. Each writes its history row with the reason given."""

from __future__ import annotations

from ..models import Organisation, legal_form_of


def create_organisations(organisations: list[Organisation], *, batch_size: int = 1000) -> None:
    """New organisations in bulk (demo owners), their legal form from their numbers."""
    for organisation in organisations:
        organisation.legal_form = legal_form_of(organisation.org_number)
    Organisation.objects.bulk_create(organisations, batch_size=batch_size)


def save_code_row(row, *, reason: str) -> None:
    """A programme area, specific objective, intervention field or region a source uses."""
    row._change_reason = reason
    row.save()


def add_org_number(organisation: Organisation, number: str, *, reason: str) -> None:
    """An organisation known by name gets the number a source states for it."""
    organisation.org_number = number
    if organisation.pk is not None:
        organisation._change_reason = reason
        organisation.save(update_fields=["org_number", "legal_form", "updated_at"])


def make_real(organisation: Organisation, *, name: str, reason: str) -> None:
    """A demo organisation that a real source names is a real one from now on."""
    organisation.is_demo = False
    organisation.name = name or organisation.name
    organisation._change_reason = reason
    organisation.save(update_fields=["is_demo", "name", "updated_at"])
