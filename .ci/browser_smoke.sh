#!/usr/bin/env bash
# Serve a demo warehouse and run the real-browser suite (tests/browser/suite.py: every page of the app in
# headless Debian Chromium through Playwright, the downloads, the escalation flow). Exits non-zero on any
# failure. Screenshots go to artifacts/browser/.
#
#   bash .ci/browser_smoke.sh                 build a fresh demo in a temporary folder (CI)
#   bash .ci/browser_smoke.sh --reuse-demo    keep the demo in ~/.cache/cxpulse and reuse it while etl/ and
#                                             sql/ are unchanged (make screenshots)
#   bash .ci/browser_smoke.sh --docs docs/screenshots   also copy the key screenshots there when all passed
#   bash .ci/browser_smoke.sh --dataset helpdesk  a warehouse of one real export of ../shared/data instead of the
#                                             demo (helpdesk, twitter, callcenter, abcd; tests/realdata/datasets.py),
#                                             built by `cxpulse run`; screenshots in artifacts/browser-<dataset>/
#
# Environment: BROWSER_SCALE (demo size, default 20000), BROWSER_PORT (default: a free port),
# CXPULSE_BROWSER_REQUIRE_DOWNLOADS (default 1: fail when no page offers a CSV, PNG or PDF download).
set -euo pipefail
# every page offers its downloads now: a missing CSV, PNG or PDF is a failure unless said otherwise
export CXPULSE_BROWSER_REQUIRE_DOWNLOADS=${CXPULSE_BROWSER_REQUIRE_DOWNLOADS:-1}
cd "$(dirname "$0")/.."
root=$(pwd)
python="$root/.venv/bin/python"
scale=${BROWSER_SCALE:-20000}
reuse=0
docs=""
dataset=""
while [ $# -gt 0 ]; do
  case "$1" in
    --reuse-demo) reuse=1 ;;
    --docs) docs="$2"; shift ;;
    --dataset) dataset="$2"; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

started=$(date +%s)
logs=$(mktemp -d)
if [ "$reuse" = 1 ]; then
  # The warehouse is rebuilt whenever the pipeline's code or models change.
  pipeline=$(find etl sql -type f \( -name '*.py' -o -name '*.sql' -o -name '*.yml' \) | LC_ALL=C sort | xargs cat \
    | sha1sum | cut -c1-12)
  cache="${XDG_CACHE_HOME:-$HOME/.cache}/cxpulse"
  work="$cache/browser-demo-$scale-$pipeline"
else
  work=$(mktemp -d)
fi
server=""
cleanup() {
  if [ -n "$server" ]; then kill -- "-$server" 2>/dev/null || true; fi
  if [ "$reuse" = 0 ]; then rm -rf "$work"; fi
  rm -rf "$logs"
}
trap cleanup EXIT

suite_options=()
out=artifacts/browser
if [ -n "$dataset" ]; then
  if [ "$reuse" = 1 ]; then reuse=0; work=$(mktemp -d); fi
  out="artifacts/browser-$dataset"
  suite_options=(--real-data)
  # the Twitter sample has no escalation events to follow
  if [ "$dataset" = twitter ] || [ "$dataset" = abcd ]; then suite_options+=(--no-escalation-flow); fi
  echo "== real-data warehouse: $dataset in $work"
  "$python" -m tests.realdata.datasets "$work" "$dataset" >/dev/null
  "$python" -m etl.cli run --config "$work/cxpulse.toml" --quiet
elif [ -f "$work/cxpulse.toml" ] && [ -f "$work/data/cxpulse.duckdb" ]; then
  echo "== demo warehouse: reusing $work"
else
  echo "== demo warehouse: building at scale $scale in $work"
  if [ "$reuse" = 1 ]; then
    rm -rf "$cache"/browser-demo-* && mkdir -p "$work"
  fi
  (cd "$work" && "$python" -m etl.cli demo --no-serve --scale "$scale" --quiet)
fi

port=${BROWSER_PORT:-$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
# A session of its own, so that the server and the Streamlit process it starts are stopped together.
setsid "$python" -m etl.cli serve --port "$port" --config "$work/cxpulse.toml" >"$logs/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 90); do
  curl -fs "http://127.0.0.1:$port/_stcore/health" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { echo "the dashboard server stopped:" >&2; cat "$logs/serve.log" >&2; exit 1; }
  sleep 1
done
curl -fs "http://127.0.0.1:$port/_stcore/health" >/dev/null || { echo "the dashboard did not start" >&2; exit 1; }

echo "== browser suite on http://127.0.0.1:$port"
status=0
"$python" -m tests.browser.suite --url "http://127.0.0.1:$port" --out "$out" ${docs:+--docs "$docs"} \
  "${suite_options[@]}" || status=$?
if [ "$status" != 0 ] && grep -q "Traceback" "$logs/serve.log"; then
  echo "== the server's log shows errors:" >&2
  tail -n 60 "$logs/serve.log" >&2
fi
echo "== browser smoke test finished in $(( $(date +%s) - started )) s with status $status"
exit "$status"
