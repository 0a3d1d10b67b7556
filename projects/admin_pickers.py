"""The project form's code pickers: each code list grouped by programme, the project's first.

A project's programme area, specific objective and intervention field must be its programme's,
and its objective its area's (`Project.clean`, and the database's triggers). The pickers are
plain selects with one `<optgroup>` per programme (per programme area for the objectives), the
project's programme first; each option names its programme and area in data attributes, so that
`static/js/admin-codes.js` offers only the chosen programme's codes, and the chosen area's
objectives, as soon as the programme or area is chosen. Without the script the groups still say
which code is whose, and `Project.clean` refuses a wrong pick.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext

from .dimensions import BY_NAME

# Objectives belong to an area (and through it to a programme): they are grouped by it.
AREA = "programme_area"


def queryset(name: str):
    """A per-programme code list's rows with the programme (and area) its groups name."""
    model = BY_NAME[name].model
    if any(field.name == AREA for field in model._meta.get_fields()):
        return model.objects.select_related(f"{AREA}__programme")
    return model.objects.select_related("programme")


def group_label(row) -> str:
    programme = row.programme_of().get_period_display()
    area = getattr(row, AREA, None)
    if area is None:
        return programme
    return gettext("%(programme)s, programområde %(area)s") % {
        "programme": programme,
        "area": area.code,
    }


class CodeSelect(forms.Select):
    """A select of one per-programme code list, grouped as the module docstring says."""

    class Media:
        js = ["js/admin-codes.js"]

    def __init__(self, attrs=None) -> None:
        super().__init__({"data-code-picker": "", **(attrs or {})})
        self.first_programme: int | None = None

    def optgroups(self, name, value, attrs=None):
        empty, groups = [], {}
        for option_value, label in self.choices:
            row = getattr(option_value, "instance", None)
            if row is None:
                empty.append((option_value, label, None))
                continue
            groups.setdefault(group_label(row), []).append((option_value, label, row))
        ordered = sorted(
            groups.items(),
            key=lambda item: item[1][0][2].programme_of().pk != self.first_programme,
        )
        rendered, selected_once = [], False
        for index, (group, options) in enumerate([(None, empty), *ordered]):
            subindex = None if group is None else 0
            subgroup = []
            for option_value, label, row in options:
                selected = not selected_once and str(option_value) in value
                selected_once |= selected
                option = self.create_option(
                    name, option_value, label, selected, index, subindex=subindex, attrs=attrs
                )
                if row is not None:
                    option["attrs"]["data-programme"] = str(row.programme_of().pk)
                    if area := getattr(row, AREA, None):
                        option["attrs"]["data-area"] = str(area.pk)
                    subindex += 1
                subgroup.append(option)
            if subgroup:
                rendered.append((group, subgroup, index))
        return rendered


def put_first(form: forms.BaseForm, names, *, programme: int | str | None) -> None:
    """Group the form's code pickers with `programme`'s codes first."""
    try:
        first = int(programme) if programme not in (None, "") else None
    except (TypeError, ValueError):
        first = None
    for name in names:
        if name in form.fields:
            widget = form.fields[name].widget
            widget = getattr(widget, "widget", widget)  # inside the admin's related-links wrapper
            if isinstance(widget, CodeSelect):
                widget.first_programme = first
                if first is not None:  # for the script when the programme is not a picker
                    widget.attrs["data-programme"] = str(first)
