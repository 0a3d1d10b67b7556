"""The admin's "Importera" page: upload project-bank pages or a list of operations, see the report.

The uploaded bytes go through the same parsers and `importers.save` as the management commands,
so the page shows the same report as `import_projectbank` / `import_operations` print. Only users
who may add and change projects get the page (others get 403); `ProjectAdmin` mixes it in.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .importers import operations_csv, projectbank, save
from .importers.report import CHANGED, CREATED, ImportReport

PERMISSIONS = ("projects.add_project", "projects.change_project")
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_LISTED_RECORDS = 200
PROJECTBANK = "projectbank"
OPERATIONS = "operations"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field that takes several files (Django docs, "Uploading multiple files")."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        items = list(data) if isinstance(data, list | tuple) else [data]
        # No file at all is checked as one missing file, so that `required` still applies.
        cleaned = [super(MultipleFileField, self).clean(item, initial) for item in items or [None]]
        return [upload for upload in cleaned if upload]


class ImportForm(forms.Form):
    source = forms.ChoiceField(
        label=_("Källa"),
        choices=[
            (PROJECTBANK, _("Projektbankens sidor (text eller sparad HTML)")),
            (OPERATIONS, _("Förteckning över insatser (CSV)")),
        ],
        initial=PROJECTBANK,
        widget=forms.RadioSelect,
    )
    files = MultipleFileField(
        label=_("Filer"),
        help_text=_("En eller flera filer, högst 20 MB tillsammans."),
    )
    strict = forms.BooleanField(
        label=_("Strikt"),
        required=False,
        help_text=_("Spara ingenting om någon post avvisas."),
    )

    def clean_files(self):
        files = self.cleaned_data["files"]
        total = sum(upload.size for upload in files)
        if total > MAX_UPLOAD_BYTES:
            raise ValidationError(
                _("Filerna är %(total)s tillsammans; högst %(limit)s kan importeras åt gången."),
                params={
                    "total": filesizeformat(total),
                    "limit": filesizeformat(MAX_UPLOAD_BYTES),
                },
                code="too_large",
            )
        return files


def run_import(*, source: str, files, strict: bool) -> ImportReport:
    """Parse the uploaded files and save them as the management commands do."""
    if source == OPERATIONS:
        parsed = [operations_csv.parse_bytes(upload.read(), source=upload.name) for upload in files]
        return save.import_operations(parsed, strict=strict)
    pages = [projectbank.parse_bytes(upload.read(), source=upload.name) for upload in files]
    return save.import_pages(pages, strict=strict)


def import_view(request: HttpRequest, model_admin) -> TemplateResponse:
    if not request.user.has_perms(PERMISSIONS):
        raise PermissionDenied
    report = None
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            report = run_import(
                source=form.cleaned_data["source"],
                files=form.cleaned_data["files"],
                strict=form.cleaned_data["strict"],
            )
    else:
        form = ImportForm()
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": gettext("Importera projekt"),
        "form": form,
        "report": report,
    }
    if report is not None:
        context.update(_report_context(report))
    return TemplateResponse(request, "admin/projects/import.html", context)


def _report_context(report: ImportReport) -> dict:
    counts = report.counts()
    labels = {
        "created": gettext("Skapade"),
        "changed": gettext("Ändrade"),
        "unchanged": gettext("Oförändrade"),
        "skipped": gettext("Hoppades över"),
        "rejected": gettext("Avvisade"),
    }
    saved = [record for record in report.records if record.outcome in (CREATED, CHANGED)]
    return {
        "counts": [(key, labels[key], number) for key, number in counts.items()],
        "saved_records": saved[:MAX_LISTED_RECORDS],
        "more_saved_records": max(0, len(saved) - MAX_LISTED_RECORDS),
    }


class ImportAdminMixin:
    """Adds /admin/projects/project/import/ and an "Importera" button on the change list."""

    change_list_template = "admin/projects/project/change_list.html"

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_import"
        view = self.admin_site.admin_view(self.import_view)
        return [path("import/", view, name=name), *super().get_urls()]

    def import_view(self, request: HttpRequest) -> TemplateResponse:
        return import_view(request, self)
