"""The admin's "Importera" page: upload project-bank pages or a list of operations, see the report.

The uploaded bytes go through the same parsers and `importers.save` as the management commands,
so the page shows the same report as `import_projectbank` / `import_operations` print. Only users
who may add and change projects get the page (others get 403); `ProjectAdmin` mixes it in.

As on the command line, an upload is all or nothing unless "Spara de godkända raderna även om
andra avvisas" is ticked; one import runs at a time (a second gets a message, not an error page).
A body larger than the limit is refused from its Content-Length before any of it is read, by
`UploadLimitMiddleware` (ahead of the middleware that reads forms) and again by the view's own
wrapper, which the CSRF middleware (it reads the form too) does not get ahead of.
"""

from __future__ import annotations

from functools import wraps

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt

from .importers import news, operations_csv, projectbank, proposals, save
from .importers.report import CHANGED, CREATED, ImportReport

PERMISSIONS = ("projects.add_project", "projects.change_project")
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MULTIPART_OVERHEAD = 256 * 1024
"""Room for the form's other fields and the multipart headers on top of the files' bytes."""
MAX_LISTED_RECORDS = 200
PROJECTBANK = "projectbank"
OPERATIONS = "operations"
NEWS = "news"


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
            (NEWS, _("Nyheter och pressmeddelanden om beslut (blir beslutsförslag)")),
        ],
        initial=PROJECTBANK,
        widget=forms.RadioSelect,
    )
    files = MultipleFileField(
        label=_("Filer"),
        help_text=_("En eller flera filer, högst 20 MB tillsammans."),
    )
    partial = forms.BooleanField(
        label=_("Spara de godkända raderna även om andra avvisas"),
        required=False,
        initial=False,
        help_text=_(
            "Utan markering sparas ingenting om någon rad eller sida avvisas eller någon fil "
            "inte kan läsas."
        ),
    )

    prefer_source = forms.BooleanField(
        label=_("Låt källan gälla före handlagda beslut"),
        required=False,
        initial=False,
        help_text=_(
            "Utan markering lämnas ett projekt oförändrat och redovisas som en konflikt när "
            "källans belopp eller slutdatum skiljer sig från beslut som lagts in för hand sedan "
            "den senaste importen. Med markering sparas källans uppgifter som ett importerat "
            "beslut som anger vilka beslut det ersätter."
        ),
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


def run_import(
    *, source: str, files, partial: bool = False, prefer_source: bool = False
) -> ImportReport:
    """Parse the uploaded files and save them as the management commands do.

    A CSV is read from the upload row by row; a page larger than the page limit is not read.
    """
    if source == OPERATIONS:
        parsed = []
        for upload in files:
            upload.seek(0)
            stream = getattr(upload, "file", upload)
            parsed.append(operations_csv.parse_file(stream, source=upload.name))
        return save.import_operations(parsed, partial=partial, prefer_source=prefer_source)
    pages = [projectbank.parse_upload(upload, source=upload.name) for upload in files]
    return save.import_pages(pages, partial=partial, prefer_source=prefer_source)


def run_news_import(*, files) -> proposals.NewsReport:
    """Read uploaded news texts and store the decisions they announce as proposals."""
    results = []
    for upload in files:
        if upload.size > news.MAX_TEXT_BYTES:
            results.append(news.NewsResult(upload.name, [], news.SKIP_TOO_LARGE, unreadable=True))
        else:
            results.append(news.parse_bytes(upload.read(), source=upload.name))
    return proposals.import_news(results)


def declared_length(request: HttpRequest) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


def refuse_large_bodies(view):
    """Answer 413 from the Content-Length header, before the body is read by anything.

    Django reads a multipart body whole (files spooled to disk) as soon as anything touches
    request.POST, which the CSRF middleware does for every POST; so this wrapper is exempt from
    the middleware and `view` (the admin_view-wrapped page) still checks the CSRF token itself.
    """

    @wraps(view)
    def guarded(request: HttpRequest, *args, **kwargs):
        if body_too_large(request):
            return too_large_response(request, declared_length(request))
        return view(request, *args, **kwargs)

    return csrf_exempt(guarded)


def body_too_large(request: HttpRequest) -> bool:
    return declared_length(request) > MAX_UPLOAD_BYTES + MULTIPART_OVERHEAD


class UploadLimitMiddleware:
    """413 for any request whose declared body is larger than an import may be.

    No page takes more than the import page does, and Django reads a multipart body whole (files
    spooled to disk) as soon as anything touches request.POST; this runs before anything does.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if body_too_large(request):
            return too_large_response(request, declared_length(request))
        return self.get_response(request)


def too_large_response(request: HttpRequest, length: int) -> HttpResponse:
    message = gettext(
        "Uppladdningen är %(size)s; högst %(limit)s kan importeras åt gången. Ingenting lästes "
        "eller sparades. Dela upp filerna i flera importer."
    ) % {"size": filesizeformat(length), "limit": filesizeformat(MAX_UPLOAD_BYTES)}
    context = {
        "status": 413,
        "heading": gettext("För stor uppladdning"),
        "message": message,
    }
    response = HttpResponse(loader.render_to_string("503.html", context), status=413)
    response["Cache-Control"] = "no-store"
    return response


def import_view(request: HttpRequest, model_admin) -> TemplateResponse:
    if not request.user.has_perms(PERMISSIONS):
        raise PermissionDenied
    report = None
    status = 200
    news_report = None
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid() and form.cleaned_data["source"] == NEWS:
            news_report = run_news_import(files=form.cleaned_data["files"])
            if news_report.busy:
                messages.error(request, gettext("En annan import pågår. Försök igen om en stund."))
                news_report, status = None, 409
        elif form.is_valid():
            report = run_import(
                source=form.cleaned_data["source"],
                files=form.cleaned_data["files"],
                partial=form.cleaned_data["partial"],
                prefer_source=form.cleaned_data["prefer_source"],
            )
            if report.busy:
                messages.error(request, gettext("En annan import pågår. Försök igen om en stund."))
                report, status = None, 409
    else:
        form = ImportForm()
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "title": gettext("Importera projekt"),
        "form": form,
        "report": report,
        "news_report": news_report,
    }
    if report is not None:
        context.update(_report_context(report, source=form.cleaned_data["source"]))
        if report.errors:
            messages.error(
                request,
                gettext("Importen avbröts av ett databasfel och ingenting sparades: %(error)s")
                % {"error": "; ".join(report.errors)},
            )
    return TemplateResponse(request, "admin/projects/import.html", context, status=status)


def _report_context(report: ImportReport, *, source: str = PROJECTBANK) -> dict:
    counts = report.counts()
    labels = {
        "created": gettext("Skapade"),
        "changed": gettext("Ändrade"),
        "unchanged": gettext("Oförändrade"),
        "conflict": gettext("Konflikter (oförändrade)"),
        "skipped": gettext("Hoppades över"),
        "rejected": gettext("Avvisade"),
    }
    saved = [record for record in report.records if record.outcome in (CREATED, CHANGED)]
    return {
        "summary": _summary(report, counts),
        "not_saved": _not_saved(report, source) if report.rolled_back else "",
        "counts": [(key, labels[key], number) for key, number in counts.items()],
        "saved_records": saved[:MAX_LISTED_RECORDS],
        "more_saved_records": max(0, len(saved) - MAX_LISTED_RECORDS),
    }


def _summary(report: ImportReport, counts: dict[str, int]) -> str:
    """ "2 skapade, 0 ändrade, 0 oförändrade, 1 överhoppad, 0 avvisade" in the page's language."""
    return (
        gettext(
            "%(created)s skapade, %(changed)s ändrade, %(unchanged)s oförändrade, "
            "%(skipped)s överhoppade, %(rejected)s avvisade"
        )
        % counts
    ) + (
        ngettext(", %(count)s konflikt", ", %(count)s konflikter", counts["conflict"])
        % {"count": counts["conflict"]}
        if "conflict" in counts
        else ""
    )


def _not_saved(report: ImportReport, source: str) -> str:
    """ "Inget sparades: 3 rader avvisades." and why, for a run that was rolled back."""
    reasons = []
    count = report.rejected
    if count and source == OPERATIONS:
        reasons.append(
            ngettext("%(count)s rad avvisades", "%(count)s rader avvisades", count)
            % {"count": count}
        )
    elif count:
        reasons.append(
            ngettext("%(count)s sida avvisades", "%(count)s sidor avvisades", count)
            % {"count": count}
        )
    unreadable = len(report.unreadable)
    if unreadable:
        reasons.append(
            ngettext(
                "%(count)s fil kunde inte läsas", "%(count)s filer kunde inte läsas", unreadable
            )
            % {"count": unreadable}
        )
    if report.errors:
        reasons.append(gettext("databasfel"))
    if not reasons:
        return gettext("Inget sparades.")
    return gettext("Inget sparades: %(reasons)s.") % {"reasons": ", ".join(reasons)}


class ImportAdminMixin:
    """Adds /admin/projects/project/import/ and an "Importera" button on the change list."""

    change_list_template = "admin/projects/project/change_list.html"

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_import"
        view = refuse_large_bodies(self.admin_site.admin_view(self.import_view))
        return [path("import/", view, name=name), *super().get_urls()]

    def import_view(self, request: HttpRequest) -> TemplateResponse:
        return import_view(request, self)
