"""Short-lived caches of registry-wide figures, dropped whenever registry data changes.

Every page shows the footer date and the landing page sums the whole registry; both change only
when a project, decision or organisation does. Saves and deletes through the ORM clear them by
signal; bulk writes that bypass signals (generate_demo) call `invalidate()` themselves.
"""

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

UPDATED_KEY = "registry-updated"
LANDING_KEY = "registry-landing"
TIMEOUT = 300


def invalidate(**kwargs) -> None:
    cache.delete_many([UPDATED_KEY, LANDING_KEY])


def connect() -> None:
    from .models import Decision, Organisation, Project

    for model in (Project, Decision, Organisation):
        post_save.connect(invalidate, sender=model, dispatch_uid=f"invalidate-{model.__name__}")
        post_delete.connect(invalidate, sender=model, dispatch_uid=f"invalidate-d-{model.__name__}")
