#!/usr/bin/env bash
# The store stress run: rounds of 8 parallel creates, updates and pipelines, each on a fresh data
# directory. Usage: ./bench/stress.sh [rounds] (default 200). Prints one line: rounds, pipelines and
# engine failures; exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-200}
dotnet build tests/InfraGrpc.Server.Tests -c Release -nologo -clp:ErrorsOnly >/dev/null
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
INFRAGRPC_STRESS_ROUNDS="$rounds" dotnet test tests/InfraGrpc.Server.Tests -c Release --no-build -nologo \
  --filter "FullyQualifiedName~StoreStressTests" --logger "console;verbosity=detailed" > "$log" 2>&1 || status=$?
grep -m 1 -oE "stress: .*" "$log" || true
[ "$status" -eq 0 ] || grep -E "round [0-9]+:|Assert" "$log" | head -n 40
exit "$status"
