"""Steps the admin's browser tests share."""

import re

from tests.factories import PASSWORD

ADMIN_USERNAME = "admin"


def log_in(page, prefix: str = "") -> None:
    page.goto(f"{prefix}/admin/login/")
    page.get_by_label(re.compile("Användarnamn|Username")).fill(ADMIN_USERNAME)
    page.get_by_label(re.compile("Lösenord|Password")).fill(PASSWORD)
    page.get_by_role("button", name=re.compile("Logga in|Log in")).click()


def choose_autocomplete(page, field: str, text: str) -> None:
    page.locator(f"#id_{field} + .select2 [role=combobox]").click()
    page.locator(".select2-search__field").fill(text)
    page.locator(".select2-results__option", has_text=text).first.click()
