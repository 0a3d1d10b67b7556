"""The page language as the registry uses it: Swedish ("sv", the default) or English ("en")."""

from __future__ import annotations

from django.utils.translation import get_language


def lang(language: str | None = None) -> str:
    """ "en" for any English variant of `language` (or the active language), else "sv"."""
    return "en" if (language or get_language() or "sv").startswith("en") else "sv"


def is_english(language: str | None = None) -> bool:
    return lang(language) == "en"
