#!/usr/bin/env bash
# Installs what the tests need, checks the contract, builds with warnings as errors and runs every
# test suite. Ends with one line: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."

configuration=Release
results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
failed_steps=0

step() { echo; echo "==> $*"; }

step "tooling: .NET SDK, git, and the pinned buf CLI (npm ci)"
if ! command -v git >/dev/null; then
  apt-get update -qq && apt-get install -y -qq git >/dev/null || exit 1
fi
if ! command -v dotnet >/dev/null; then
  echo "dotnet is not on PATH: install the .NET 10 SDK" >&2
  exit 1
fi
dotnet --version
npm ci --no-audit --no-fund --loglevel=error || exit 1

step "contract: buf lint and buf build"
npx buf lint || failed_steps=$((failed_steps + 1))
npx buf build -o /dev/null || failed_steps=$((failed_steps + 1))

step "contract: buf breaking against the previous commit (v1 is public: only additive changes pass)"
if previous=$(git rev-parse --verify -q HEAD~1); then
  npx buf breaking --against ".git#ref=$previous" || failed_steps=$((failed_steps + 1))
else
  echo "no previous commit in this clone (shallow?): nothing to compare against"
fi

step "generated clients match the protos (scripts/generate-clients.sh, then git diff)"
if ./scripts/generate-clients.sh >/dev/null && git diff --exit-code --stat -- clients/ && [ -z "$(git status --porcelain -- clients/*/src/gen clients/python/infragrpc_client/gen)" ]; then
  echo "generated code is current"
else
  echo "generated code differs from the protos: run ./scripts/generate-clients.sh and commit"
  failed_steps=$((failed_steps + 1))
fi

step "build (warnings are errors)"
dotnet build InfraGrpc.sln -c "$configuration" -nologo -clp:ErrorsOnly || { echo "build failed"; echo "0 passed, 1 failed"; exit 1; }

step "format: dotnet format --verify-no-changes"
dotnet format InfraGrpc.sln --verify-no-changes --no-restore || failed_steps=$((failed_steps + 1))

step "tests"
passed=0
failed=0
for project in tests/*/*.csproj; do
  name=$(basename "$project" .csproj)
  dotnet test "$project" -c "$configuration" --no-build -nologo --logger "trx;LogFileName=$name.trx" --results-directory "$results" \
    > "$results/$name.log" 2>&1
  code=$?
  summary=$(grep -E "^(Passed|Failed)!" "$results/$name.log" | tail -n 1)
  echo "$name: ${summary:-no summary (exit $code)}"
  p=$(sed -nE 's/.*Passed: +([0-9]+).*/\1/p' <<<"$summary")
  f=$(sed -nE 's/.*Failed: +([0-9]+),.*/\1/p' <<<"$summary")
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
  if [ "$code" -ne 0 ]; then
    grep -E "^\s+Failed |Error Message|^\s+(Expected|Actual):" -A2 "$results/$name.log" | head -n 60
    # A suite that crashed before its summary still counts as a failure.
    [ -z "${f:-}" ] || [ "${f:-0}" -eq 0 ] && failed=$((failed + 1))
  fi
done

step "client stories: each clients/*/test.sh against a live server"
data=$(mktemp -d)
server_log="$results/server.log"
dotnet src/InfraGrpc.Server/bin/$configuration/net10.0/InfraGrpc.Server.dll \
  --InfraGrpc:GrpcUrl=http://127.0.0.1:0 --InfraGrpc:HttpUrl=http://127.0.0.1:0 \
  --InfraGrpc:DataDirectory="$data" --InfraGrpc:Simulated:Latency=00:00:00.050 > "$server_log" 2>&1 &
server_pid=$!
trap 'kill $server_pid 2>/dev/null; rm -rf "$results" "$data"' EXIT
# Wait for the line that names the bound address (or for the server to die), not for a fixed time.
timeout 120 grep -q -m 1 -E "gRPC on |Unhandled|infragrpc:" <(tail -F "$server_log" 2>/dev/null) || true
address=$(sed -nE 's/.*gRPC on (http:\/\/[0-9.:]+)\/?,.*/\1/p' "$server_log" | head -n 1)
if [ -z "$address" ]; then
  echo "the server did not start:"; cat "$server_log"
  failed=$((failed + 1))
else
  echo "server: $address"
  for client in clients/*/test.sh; do
    name=$(basename "$(dirname "$client")")
    if INFRAGRPC_SERVER="$address" bash "$client" > "$results/client-$name.log" 2>&1; then
      echo "clients/$name: passed"
      passed=$((passed + 1))
    else
      echo "clients/$name: FAILED"; tail -n 30 "$results/client-$name.log"
      failed=$((failed + 1))
    fi
  done
fi

failed=$((failed + failed_steps))
echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
