#!/usr/bin/env bash
# The web console's large-graph benchmark: first render of an N-node pipeline and the main-thread cost of
# each live batch, in Debian's Chromium against a live server, with a 10-node baseline in the same run.
# BENCH_SIZES=10,1000 BENCH_RUNS=3 by default.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build src/InfraGrpc.Server -c Release -nologo -clp:ErrorsOnly
[ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
cd web
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
npx tsx bench/graph.ts
