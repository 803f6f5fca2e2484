#!/usr/bin/env bash
# The crash fault test: rounds of kill -9 at a random moment of a 120-node deploy, with a watcher
# recording what it receives, then a restart on the same data directory. Usage: ./bench/fault.sh
# [rounds] (default 20). Prints one line: rounds, kills, acknowledged revisions lost, pipelines stuck,
# re-runs that succeeded and streamed events that changed; exits non-zero unless all are as they must be.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-20}
dotnet build InfraGrpc.sln -c Release -nologo -clp:ErrorsOnly >/dev/null
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
INFRAGRPC_FAULT_ROUNDS="$rounds" dotnet test tests/InfraGrpc.Server.Tests -c Release --no-build -nologo \
  --filter "FullyQualifiedName~CrashFaultTests" --logger "console;verbosity=detailed" > "$log" 2>&1 || status=$?
grep -m 1 -oE "fault: .*" "$log" || true
[ "$status" -eq 0 ] || grep -E "Assert|Expected|Actual|Exception" "$log" | head -n 20
exit "$status"
