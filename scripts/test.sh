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
if ! ./scripts/generate-clients.sh > "$results/generate.log" 2>&1; then
  # Not a difference: the generator itself could not run (a package install, the dpkg lock, npm).
  tail -n 20 "$results/generate.log"
  echo "scripts/generate-clients.sh failed (above), so the generated code could not be checked"
  failed_steps=$((failed_steps + 1))
elif git diff --exit-code --stat -- clients/ web/src/gen && [ -z "$(git status --porcelain -- clients/*/src/gen clients/python/infragrpc_client/gen web/src/gen)" ]; then
  echo "generated code is current"
else
  echo "generated code differs from the protos: run ./scripts/generate-clients.sh and commit"
  failed_steps=$((failed_steps + 1))
fi

step "web console: web/dist matches its sources (npm ci, tsc, vite build, then git diff)"
if (cd web && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error && npm run --silent build) > "$results/web-build.log" 2>&1 \
  && git diff --exit-code --stat -- web/dist && [ -z "$(git status --porcelain -- web/dist)" ]; then
  grep -E "dist/assets/.*\.js" "$results/web-build.log" | sed 's/^/  /'
  echo "built assets are current"
else
  tail -n 30 "$results/web-build.log"
  echo "web/dist differs from web/src: run (cd web && npm run build) and commit web/dist"
  failed_steps=$((failed_steps + 1))
fi

step "build (warnings are errors)"
dotnet build InfraGrpc.sln -c "$configuration" -nologo -clp:ErrorsOnly || { echo "build failed"; echo "0 passed, 1 failed"; exit 1; }

step "format: dotnet format --verify-no-changes"
dotnet format InfraGrpc.sln --verify-no-changes --no-restore || failed_steps=$((failed_steps + 1))

step "PostgreSQL: Debian's package, a throw-away cluster for the store contract suite (scripts/postgres.sh)"
pg=$(mktemp -d)
trap 'rm -rf "$results"; ./scripts/postgres.sh stop "$pg"' EXIT
if INFRAGRPC_TEST_POSTGRES=$(./scripts/postgres.sh start "$pg" 2> "$results/postgres.log"); then
  export INFRAGRPC_TEST_POSTGRES
  echo "cluster: $INFRAGRPC_TEST_POSTGRES"
else
  # The suites then start a cluster themselves, and fail (never skip) when they cannot.
  cat "$results/postgres.log"; echo "the cluster did not start"
fi

step "tests"
passed=0
failed=0
# run_suite NAME PROJECT [dotnet test arguments…]: runs one suite, prints its summary and adds its counts.
run_suite() {
  local name=$1 project=$2
  shift 2
  dotnet test "$project" -c "$configuration" --no-build -nologo --logger "trx;LogFileName=$name.trx" --results-directory "$results" "$@" \
    > "$results/$name.log" 2>&1
  local code=$?
  local summary
  summary=$(grep -E "^(Passed|Failed)!" "$results/$name.log" | tail -n 1)
  echo "$name: ${summary:-no summary (exit $code)}"
  local p f
  p=$(sed -nE 's/.*Passed: +([0-9]+).*/\1/p' <<<"$summary")
  f=$(sed -nE 's/.*Failed: +([0-9]+),.*/\1/p' <<<"$summary")
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
  if [ "$code" -ne 0 ]; then
    grep -E "^\s+Failed |Error Message|^\s+(Expected|Actual):" -A2 "$results/$name.log" | head -n 60
    # A suite that crashed before its summary still counts as a failure.
    [ -z "${f:-}" ] || [ "${f:-0}" -eq 0 ] && failed=$((failed + 1))
  fi
}
for project in tests/*/*.csproj; do
  run_suite "$(basename "$project" .csproj)" "$project"
done

step "the server suite again, every server on PostgreSQL (INFRAGRPC_TEST_STORE=postgres; tests of the LiteDB file itself excluded)"
if [ -n "${INFRAGRPC_TEST_POSTGRES:-}" ]; then
  INFRAGRPC_TEST_STORE=postgres run_suite InfraGrpc.Server.Tests.OnPostgres tests/InfraGrpc.Server.Tests/InfraGrpc.Server.Tests.csproj --filter "store!=litedb&store!=postgres"
else
  echo "no cluster (above), so the suite cannot run on PostgreSQL"; failed=$((failed + 1))
fi

./scripts/postgres.sh stop "$pg"

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

# A second server with TLS that requires a token, for each client's https check: a CA and a server
# certificate for 127.0.0.1 made here with openssl, and a bootstrap token in a file.
tls=$(mktemp -d)
command -v openssl >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssl >/dev/null; }
(cd "$tls" \
  && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=InfraGrpc test CA" -keyout ca.key -out ca.pem \
       -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign" \
  && openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=127.0.0.1" -keyout server.key -out server.csr \
  && printf "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n" > server.ext \
  && openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile server.ext -out server.pem \
  && head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > token) > "$results/tls-setup.log" 2>&1
tls_log="$results/tls-server.log"
dotnet src/InfraGrpc.Server/bin/$configuration/net10.0/InfraGrpc.Server.dll \
  --InfraGrpc:GrpcUrl=https://127.0.0.1:0 --InfraGrpc:DataDirectory="$tls/data" \
  --InfraGrpc:Tls:CertificateFile="$tls/server.pem" --InfraGrpc:Tls:KeyFile="$tls/server.key" \
  --InfraGrpc:Auth:BootstrapTokenFile="$tls/token" > "$tls_log" 2>&1 &
tls_pid=$!
trap 'kill $server_pid $tls_pid 2>/dev/null; rm -rf "$results" "$data" "$tls"' EXIT
timeout 120 grep -q -m 1 -E "gRPC on |Unhandled|infragrpc:" <(tail -F "$tls_log" 2>/dev/null) || true
tls_address=$(sed -nE 's/.*gRPC on (https:\/\/[0-9.:]+)\/?,.*/\1/p' "$tls_log" | head -n 1)
if [ -n "$tls_address" ]; then
  echo "TLS server: $tls_address"
  export INFRAGRPC_TLS_SERVER="$tls_address" INFRAGRPC_TLS_CA_FILE="$tls/ca.pem" INFRAGRPC_TLS_TOKEN_FILE="$tls/token"
else
  echo "the TLS server did not start:"; cat "$results/tls-setup.log" "$tls_log"
  failed=$((failed + 1))
fi
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

step "README quickstart: the infractl block run as written (tool install, then every command) against a live server"
if CONFIGURATION="$configuration" ./scripts/readme-quickstart.sh > "$results/quickstart.log" 2>&1; then
  tail -n 1 "$results/quickstart.log"
  echo "README quickstart: passed"
  passed=$((passed + 1))
else
  tail -n 40 "$results/quickstart.log"
  echo "README quickstart: FAILED"
  failed=$((failed + 1))
fi

step "web console end to end: Playwright driving Debian's Chromium against live servers"
chromium=${CHROMIUM_PATH:-/usr/bin/chromium}
if [ ! -x "$chromium" ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
fi
rm -f web/test-results/results.json
(cd web && CHROMIUM_PATH="$chromium" INFRAGRPC_SERVER_DLL="$PWD/../src/InfraGrpc.Server/bin/$configuration/net10.0/InfraGrpc.Server.dll" \
  npx playwright test) > "$results/web-e2e.log" 2>&1
counts=$(node -e 'const r=require("./web/test-results/results.json").stats; console.log((r.expected+r.flaky)+" "+(r.unexpected))' 2>/dev/null)
if [ -n "$counts" ]; then
  read -r p f <<<"$counts"
  echo "web e2e: $p passed, $f failed (screenshots in web/test-results/screenshots)"
  passed=$((passed + p))
  failed=$((failed + f))
  [ "$f" -eq 0 ] || grep -E "✘|Error:" "$results/web-e2e.log" | head -n 40
else
  echo "web e2e: no results"; tail -n 40 "$results/web-e2e.log"
  failed=$((failed + 1))
fi

failed=$((failed + failed_steps))
echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
