"""System checks of the deployment's own settings (`manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def accessibility_contact(app_configs, **kwargs):
    """The accessibility statement must name a real channel for reporting problems."""
    if settings.ACCESSIBILITY_EMAIL:
        return []
    return [
        Warning(
            "ESF_ACCESSIBILITY_EMAIL is not set: the accessibility statement names no address "
            "for reporting accessibility problems (lagen 2018:1937).",
            hint="Set ESF_ACCESSIBILITY_EMAIL (and optionally ESF_ACCESSIBILITY_PHONE).",
            id="esfportal.W001",
        )
    ]
