#!/usr/bin/env bash
# The benchmark suite. Each scenario reports what it measured, its baseline from the same run, and the
# ratio. Usage: ./bench/run.sh [SCENARIO...] with SCENARIO one of
#   render   render + parse + graph of 100 resources vs handlebars.js rendering alone
#   engine   a 1,000-node pipeline at parallelism 32 vs its ideal; engine CPU per node
#   latency  change-to-watcher delay on 100-node pipelines vs a GetProject round trip
#   fanout   1, 50 and 500 watchers of a 200-node pipeline, a slow watcher, and throughput vs bare Kestrel
#   unary    GetProject vs Health/Check, 16 callers on one channel
#   create   CreateProject of 50 resources vs a bare LiteDB insert of the same size
#   search   ListProjects with a text filter at 10,000 and 100,000 projects vs the unfiltered page
#   postgres CreateProject on PostgreSQL vs LiteDB (1 and 8 callers); the 1,000-node pipeline on PostgreSQL vs its ideal
#   replicas CreateProject on 3 replicas vs 1 (PostgreSQL); change-to-watcher delay on another replica vs on the owner
#   cli      infractl start-up vs a bare .NET program (bench/cli-startup.sh)
# With no scenario, all of them. BENCH_ROUNDS sets the rounds of fanout, unary and create (default 3).
set -euo pipefail
cd "$(dirname "$0")"
scenarios=("$@")
[ ${#scenarios[@]} -gt 0 ] || scenarios=(render engine latency fanout unary create search postgres replicas cli)
dotnet build InfraGrpc.Bench -c Release -nologo -clp:ErrorsOnly
bench=InfraGrpc.Bench/bin/Release/net10.0/InfraGrpc.Bench.dll
for scenario in "${scenarios[@]}"; do
  echo "== $scenario"
  case "$scenario" in
    render)
      export_dir=$(mktemp -d)
      dotnet "$bench" render "$export_dir"
      (cd handlebars-js && { npm ci --no-audit --no-fund --loglevel=error 2>/dev/null || npm install --no-audit --no-fund --loglevel=error; })
      node handlebars-js/render.mjs "$export_dir"
      rm -rf "$export_dir"
      ;;
    engine | latency | fanout | unary | create | search | postgres | replicas) dotnet "$bench" "$scenario" ;;
    cli) ./cli-startup.sh ;;
    *) echo "unknown scenario: $scenario (render, engine, latency, fanout, unary, create, search, postgres, replicas, cli)" >&2; exit 2 ;;
  esac
done
