#!/usr/bin/env bash
# The test command: builds and runs every test project of WeComSuccession.sln against a real
# PostgreSQL, then prints the totals as the last line: `N passed, N failed`.
# Extra arguments go to `dotnet test` (e.g. --filter "FullyQualifiedName~Callbacks").
# See deploy/local/README.md for the environment variables it honours.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
cd "$repo"
# shellcheck source=deploy/local/postgres.sh
source "$here/postgres.sh"
# shellcheck source=deploy/local/web.sh
source "$here/web.sh"

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# No build processes that outlive the run (MSBuild nodes, the compiler server): they could hold
# an inherited pipe of CI's open and they would be left running on the machine.
export MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_USE_MSBUILD_SERVER=0 UseSharedCompilation=false

results=${TEST_RESULTS_DIR:-}
keep_results=1
if [[ -z $results ]]; then
  results=$(mktemp -d "${TMPDIR:-/tmp}/wecom-test-results.XXXXXX")
  keep_results=0
fi
mkdir -p "$results"

# Idempotent: runs once explicitly before the totals, again (as a no-op) from the EXIT trap.
cleanup() {
  pg_stop_throwaway
  if [[ $keep_results -eq 0 ]]; then rm -rf -- "$results"; fi
}
trap cleanup EXIT
# Turn signals into a normal exit so the EXIT trap stops PostgreSQL.
trap 'exit 130' INT
trap 'exit 143' TERM

# The build runs `npm ci` (src/WeComSuccession/FrontEnd.targets); the browser tests drive Debian's Chromium.
web_ensure_npm
web_ensure_chromium

if [[ -n ${ConnectionStrings__Postgres:-} ]]; then
  echo "[test] using the PostgreSQL given in ConnectionStrings__Postgres" >&2
else
  pg_ensure_installed
  pg_start_throwaway
fi

# One TRX per test project; the prefix keeps the files apart, the counting below reads them all.
rc=0
dotnet test WeComSuccession.sln -c Release \
  --results-directory "$results" \
  --logger "trx;LogFilePrefix=wecom" \
  --logger "console;verbosity=normal" \
  "$@" </dev/null || rc=$?

# passed failed trx-files, summed over every TRX written. Errors, timeouts and aborts are failures.
passed=0 failed=0 trx_count=0
read -r passed failed trx_count < <(python3 - "$results" <<'EOF'
import pathlib, sys, xml.etree.ElementTree as ET
passed = failed = files = 0
for trx in sorted(pathlib.Path(sys.argv[1]).rglob("*.trx")):
    files += 1
    try:
        root = ET.parse(trx).getroot()
    except ET.ParseError as e:
        print(f"[test] unreadable {trx}: {e}", file=sys.stderr)
        failed += 1
        continue
    for c in root.iter():
        if c.tag.rsplit("}", 1)[-1] == "Counters":
            n = lambda k: int(c.get(k, "0"))
            passed += n("passed")
            failed += n("failed") + n("error") + n("timeout") + n("aborted")
print(passed, failed, files)
EOF
) || { echo "[test] could not count the TRX files (python3 missing?)" >&2; failed=1; }

status=0
if [[ $rc -ne 0 && $failed -eq 0 ]]; then
  # Nothing failed in a TRX, yet dotnet test failed: the build, restore or a test host did.
  echo "[test] dotnet test exited with $rc before any test failed (build/restore/host failure); counted as 1 failure" >&2
  failed=1
elif [[ $((passed + failed)) -eq 0 ]]; then
  echo "[test] no test ran ($trx_count TRX files); counted as 1 failure" >&2
  failed=1
fi
if [[ $rc -ne 0 || $failed -ne 0 ]]; then status=1; fi

if [[ $keep_results -eq 1 ]]; then echo "[test] TRX files kept in $results" >&2; fi
# Clean up now rather than in the EXIT trap, so that nothing is printed after the totals.
cleanup
echo "$passed passed, $failed failed"
exit "$status"
