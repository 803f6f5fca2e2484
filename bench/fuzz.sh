#!/usr/bin/env bash
# The long contract fuzz run: every RPC, hostile generated requests, against a server child process.
# Usage: ./bench/fuzz.sh [cases]   (default 100000). Prints one summary line: cases, status codes,
# UNKNOWN or INTERNAL count and the server's peak RSS; exits non-zero on any UNKNOWN, INTERNAL,
# unavailable answer, unary hang, crash or RSS past 2 GiB. A failure names the RPC and the case seed;
# replay one with INFRAGRPC_FUZZ_REPLAY="Method:seed" and the Replay_ test.
set -euo pipefail
cd "$(dirname "$0")/.."
cases=${1:-100000}
dotnet build tests/InfraGrpc.Server.Tests -c Release -nologo -clp:ErrorsOnly >/dev/null
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
INFRAGRPC_FUZZ_CASES="$cases" dotnet test tests/InfraGrpc.Server.Tests -c Release --no-build -nologo \
  --filter "FullyQualifiedName~ContractFuzzTests.EveryRpc_" --logger "console;verbosity=detailed" > "$log" 2>&1 || status=$?
grep -m 1 -oE "fuzz: .*" "$log" || true
if [ "$status" -ne 0 ]; then
  grep -E "case seed|Assert|process died" "$log" | head -n 40
fi
exit "$status"
