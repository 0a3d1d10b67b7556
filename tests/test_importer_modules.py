"""The importer modules' layering (docs/architecture.md): no cycles, no private cross-imports."""

import ast
from pathlib import Path

import pytest

IMPORTERS = Path(__file__).resolve().parent.parent / "projects" / "importers"
# The order of docs/architecture.md: a module imports only modules before it.
ORDER = [
    "records",
    "fields",
    "text",
    "values",
    "participant_goal",
    "report",
    "projectbank",
    "operations_csv",
    "news",
    "lock",
    "references",
    "save",
    "proposals",
    "cli",
]


def imports_of(module: str) -> list[tuple[str, str]]:
    """(importer module, name) for every name `module` takes from a sibling module."""
    tree = ast.parse((IMPORTERS / f"{module}.py").read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                found.extend((node.module, alias.name) for alias in node.names)
            else:
                found.extend((alias.name, "") for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
            "projects.importers"
        ):
            target = (node.module or "").removeprefix("projects.importers").lstrip(".")
            found.extend(
                (target or alias.name, alias.name if target else "") for alias in node.names
            )
    return found


def test_every_importer_module_has_its_place_in_the_order():
    assert sorted(ORDER) == sorted(
        path.stem for path in IMPORTERS.glob("*.py") if path.stem != "__init__"
    )


@pytest.mark.parametrize("module", ORDER)
def test_a_module_imports_only_earlier_modules_and_only_their_public_names(module):
    for target, name in imports_of(module):
        assert ORDER.index(target) < ORDER.index(module), (module, target)
        assert not name.startswith("_"), (module, target, name)
