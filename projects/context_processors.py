from django.core.cache import cache
from django.db.models import Max
from django.utils.functional import cached_property

from .models import Project

UPDATED_KEY = "registry-updated"


class Registry:
    """Facts for the page footer, each queried only when a template shows it."""

    @cached_property
    def updated(self):
        """When real (non-demo) registry data last changed; cached for a few minutes, since
        every page shows it and the registry changes a few times a day."""
        return cache.get_or_set(UPDATED_KEY, self._latest, timeout=300)

    @staticmethod
    def _latest():
        return Project.objects.filter(is_demo=False).aggregate(latest=Max("updated_at"))["latest"]


def registry(request):
    return {"registry": Registry()}
