from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("ESF-projekt")

    def ready(self) -> None:
        from . import caching, checks  # noqa: F401 (registers the deploy checks)
        from .permissions import ensure_groups

        post_migrate.connect(ensure_groups, sender=self)
        caching.connect()
