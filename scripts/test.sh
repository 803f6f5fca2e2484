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

failed=$((failed + failed_steps))
echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
