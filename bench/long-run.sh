#!/usr/bin/env bash
# Shared by fuzz.sh, stress.sh and fault.sh: builds, runs one test of tests/InfraGrpc.Server.Tests
# with a size from the environment, prints the test's one-line summary and, on failure, the lines
# that say why. Usage: long-run.sh FILTER VARIABLE=VALUE SUMMARY_PREFIX FAILURE_PATTERN
set -euo pipefail
cd "$(dirname "$0")/.."
filter=$1 setting=$2 prefix=$3 failures=$4
dotnet build InfraGrpc.sln -c Release -nologo -clp:ErrorsOnly >/dev/null
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
env "$setting" dotnet test tests/InfraGrpc.Server.Tests -c Release --no-build -nologo \
  --filter "FullyQualifiedName~$filter" --logger "console;verbosity=detailed" > "$log" 2>&1 || status=$?
grep -m 1 -oE "$prefix: .*" "$log" || true
[ "$status" -eq 0 ] || grep -E "$failures" "$log" | head -n 40
exit "$status"
