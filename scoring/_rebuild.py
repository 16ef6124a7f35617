"""The reproducibility axis's question, answered per system from int_rebuild and then for all of them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from scoring._model import AxisAnswer, SystemAnswer

REBUILD_QUESTION = (
    "Can you rebuild any production model from versioned code and data, on demand, within an hour? "
    "Yes for every model, yes for some, or no."
)


def _reason(row: dict[str, Any]) -> str:
    if row["deployment_id"] is None:
        code = "no production deployment recorded"
    elif row["revision"] is None:
        code = f"latest deployment {row['deployment_id']} names no revision"
    else:
        code = f"latest deployment {row['deployment_id']} names revision {row['revision']}"
    what = "calls name the dated model" if row["kind"] == "llm" else "predictions name the model version"
    if row["calls"] is None:
        model = "no model call in the window"
    else:
        model = f"{row['model_pinned_share']:.0%} of {row['calls']} {what}"
    return f"{code}; {model}"


def rebuild_answer(rows: Sequence[dict[str, Any]]) -> AxisAnswer:
    """ "yes for every model", "yes for some", "no" or "unknown", with each system's answer and why."""
    systems = [SystemAnswer(system=row["system"], answer=row["answer"], reason=_reason(row)) for row in rows]
    answers = {s.answer for s in systems}
    if not systems or answers == {"unknown"}:
        overall = "unknown"
    elif answers == {"yes"}:
        overall = "yes for every model"
    elif "yes" in answers:
        overall = "yes for some" + (" (others unknown)" if "no" not in answers else "")
    else:
        overall = "no" + (" (others unknown)" if "unknown" in answers else "")
    return AxisAnswer(question=REBUILD_QUESTION, answer=overall, systems=systems)
