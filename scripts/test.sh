#!/usr/bin/env bash
# Runs every test of WebPeerBridge, browser tests included, from a fresh clone.
# Needs only the .NET 10 SDK; installs Chromium and nats-server (Debian's packages) when missing and apt-get is usable.
# Set CHROMIUM_PATH to use an existing Chromium instead.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${CHROMIUM_PATH:-}" ]; then
  if ! command -v chromium >/dev/null 2>&1; then
    if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
      echo "== Installing Chromium for the browser tests (apt-get)"
      DEBIAN_FRONTEND=noninteractive apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
    else
      echo "!! Chromium not found and apt-get not usable: set CHROMIUM_PATH; the browser tests will fail." >&2
    fi
  fi
  CHROMIUM_PATH="$(command -v chromium || true)"
fi
export CHROMIUM_PATH

# The cluster tests start their own nats-server (Debian's package, with JetStream).
if ! command -v nats-server >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = "0" ]; then
    echo "== Installing nats-server for the cluster tests (apt-get)"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nats-server >/dev/null
  else
    echo "!! nats-server not found and apt-get not usable: the cluster tests will fail." >&2
  fi
fi

results="${TEST_RESULTS_DIR:-$PWD/artifacts/test-results}"
rm -rf "$results"
mkdir -p "$results"

echo "== Restore and build (Release)"
dotnet restore WebPeerBridge.sln --nologo -v quiet
dotnet build WebPeerBridge.sln -c Release --no-restore --nologo -v quiet -clp:ErrorsOnly

echo "== Test"
status=0
# Exit code 8 means a test project ran no test; the count below shows it.
dotnet test --solution WebPeerBridge.sln -c Release --no-build --no-progress \
  --results-directory "$results" --report-trx --ignore-exit-code 8 "$@" || status=$?

passed=0; failed=0; skipped=0
shopt -s nullglob globstar
for trx in "$results"/**/*.trx; do
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  t=$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$counters"); e=$(sed -n 's/.* executed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${t:-0} - ${e:-0}))
done
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "tests: $passed passed, $failed failed, $skipped skipped"
exit "$status"
