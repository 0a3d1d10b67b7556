"""django-axes as an installed app, its admin section named in Swedish.

A module of its own: an app's configuration is imported before any model may be.
"""

from axes.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LockoutConfig(AppConfig):
    """django-axes (the app gives its section no translatable name)."""

    verbose_name = _("Inloggningsspärr")
