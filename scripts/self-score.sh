#!/usr/bin/env bash
# `make self-score`: the project measures itself, into its own home (default .harness-self).
#   1. the reference app's eval suite (harness/app/eval_suite.yaml) against the local model server: a run
#      approved as the baseline, then the build's run gated against it (CI keeps no state between runs, so
#      the baseline is approved from the same revision; the gate still fails closed on errors and regressions);
#   2. the project's own git history imported as changes and deployments (system llm-harness);
#   3. this build recorded as a deployment naming its revision and its gate run;
#   4. the scorecard (docs/self-scorecard.md, rewritten every time) and the HTML report of that home.
# Exit non-zero when any step fails, the gate included.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
SELF_HOME="${HARNESS_SELF_HOME:-.harness-self}"
SYSTEM=llm-harness
SUITE=harness/app/eval_suite.yaml
rm -rf "$SELF_HOME"
mkdir -p "$SELF_HOME/reports"
cat >"$SELF_HOME/systems.yaml" <<'YAML'
# The project's own systems: the toolkit (its releases are the builds) and the reference app its suite gates.
systems:
  - {name: llm-harness, kind: llm, owner: harness-maintainers, on-call: harness-maintainers}
  - {name: support-desk, kind: llm, owner: harness-maintainers, on-call: harness-maintainers, agent: true}
YAML

port=$("$BIN/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$BIN/harness" model-server --port "$port" --scenario harness/app/scenario.yaml >"$SELF_HOME/model-server.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
for _ in $(seq 100); do
    "$BIN/python" -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/healthz', timeout=1)" \
        2>/dev/null && break
    sleep 0.1
done
url="http://127.0.0.1:$port/v1"
export OPENAI_BASE_URL="$url" OPENAI_API_KEY="${OPENAI_API_KEY:-local-model-server}"  # the judge scorer's client

run_id() { "$BIN/python" -c 'import json, sys; print(json.load(sys.stdin)["run_id"])'; }
echo "[1] eval suite $SUITE on the reference app (model server $url)"
baseline=$("$BIN/harness" eval run "$SUITE" --home "$SELF_HOME" --candidate-id baseline --param "base_url=$url" \
    --approve --json | run_id)
build=$("$BIN/harness" eval run "$SUITE" --home "$SELF_HOME" --candidate-id baseline --param "base_url=$url" \
    --json | run_id)
"$BIN/harness" eval gate --home "$SELF_HOME" --suite "$SUITE" --candidate "$build" --baseline "$baseline" \
    --markdown "$SELF_HOME/reports/gate.md"

branch=$(git rev-parse --abbrev-ref HEAD)
echo "[2] git history of $branch"
"$BIN/harness" import git --home "$SELF_HOME" --repo . --system "$SYSTEM" --branch "$branch"

revision=$(git rev-parse HEAD)
echo "[3] this build: $revision, gated by $build"
"$BIN/harness" deploy record --home "$SELF_HOME" --system "$SYSTEM" --version "build-${revision:0:12}" \
    --revision "$revision" --gate-run "$build" --trigger pipeline --pipeline-run "${CI_RUN_ID:-local}" \
    --at "$(date -u +%Y-%m-%dT%H:%M:%SZ)" --update

echo "[4] scorecard and report"
"$BIN/harness" score --home "$SELF_HOME" --format markdown -o docs/self-scorecard.md
"$BIN/harness" score --home "$SELF_HOME" --format table
"$BIN/harness" report --home "$SELF_HOME" --out "$SELF_HOME/reports/report.html"
echo "self-score: docs/self-scorecard.md and $SELF_HOME/reports/report.html"
