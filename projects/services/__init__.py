"""Writes to the registry: the admin, the importers and the demo data all go through here.

- `decisions`: the rule for one project (totals, checks, applying and deleting decisions,
  sources against hand-entered decisions);
- `bulk`: the same rule for many projects at once (the importers, `generate_demo`);
- `registry`: code rows and organisations (new codes, organisation numbers, demo rows made real).

No other module sums decisions or writes a project's money, end date, decision count or last
decision date. `apply_decision(decision=…)` is the entry point for one decision.
"""

from .bulk import (
    ProjectUpdate,
    RowInserter,
    create_projects,
    insert_with_history,
    update_projects,
)
from .decisions import (
    AHEAD,
    CONFLICT,
    DERIVED_FIELDS,
    IN_STEP,
    RELATION_FIELDS,
    SOURCE_FIGURES,
    UPDATE,
    Reconciliation,
    Totals,
    aggregate_decisions,
    apply_decision,
    apply_decisions,
    check_project,
    check_totals,
    create_project,
    decision_totals,
    delete_decision,
    effective_dates,
    hand_entered_since_import,
    ledger,
    prospective_totals,
    recompute_project,
    reconcile_source,
)
from .registry import add_org_number, create_organisations, make_real, save_code_row

__all__ = [
    "AHEAD",
    "CONFLICT",
    "DERIVED_FIELDS",
    "IN_STEP",
    "RELATION_FIELDS",
    "SOURCE_FIGURES",
    "UPDATE",
    "ProjectUpdate",
    "RowInserter",
    "Reconciliation",
    "Totals",
    "add_org_number",
    "aggregate_decisions",
    "apply_decision",
    "apply_decisions",
    "check_project",
    "check_totals",
    "create_organisations",
    "create_project",
    "create_projects",
    "decision_totals",
    "delete_decision",
    "effective_dates",
    "hand_entered_since_import",
    "insert_with_history",
    "ledger",
    "make_real",
    "prospective_totals",
    "recompute_project",
    "reconcile_source",
    "save_code_row",
    "update_projects",
]
