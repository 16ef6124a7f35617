"""``python -m harness.app [HARNESS_HOME]``: run both agent versions on the question set and compare them.

Starts the local model server with the app's scenario, runs baseline and candidate over every shipped
question into the lake under HARNESS_HOME (default ``./.harness``), then prints ``trajectory.sql``'s rows
and how many answers each version got right.
"""

from __future__ import annotations

import sys

import instrumentation
from harness.app import load_questions, make_client, run_questions, scenario_path, trajectory_table
from harness.model_server import serve


def main(argv: list[str]) -> int:
    telemetry = instrumentation.configure("support-desk", home=argv[0] if argv else None, set_global=False)
    questions = load_questions()
    correct: dict[str, int] = {}
    with serve(scenario=scenario_path()) as server:
        client = make_client(server.openai_base_url, telemetry=telemetry)
        for version in ("baseline", "candidate"):
            answers = run_questions(
                [q.question for q in questions], version=version, client=client, telemetry=telemetry
            )
            correct[version] = sum(q.is_answered_by(a.text) for q, a in zip(questions, answers, strict=True))
    telemetry.shutdown()
    print("\n".join(trajectory_table(telemetry.settings.lake_dir)))
    print("correct: " + ", ".join(f"{version} {count}/{len(questions)}" for version, count in correct.items()))
    print(f"lake: {telemetry.settings.lake_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
