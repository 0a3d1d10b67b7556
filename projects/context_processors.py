from django.db.models import Max
from django.utils.functional import cached_property

from .models import Project


class Registry:
    """Facts for the page footer, each queried only when a template shows it."""

    @cached_property
    def updated(self):
        """When real (non-demo) registry data last changed."""
        return Project.objects.filter(is_demo=False).aggregate(latest=Max("updated_at"))["latest"]


def registry(request):
    return {"registry": Registry()}
