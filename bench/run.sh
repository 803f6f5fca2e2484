#!/usr/bin/env bash
# Runs both benchmarks; each reports a ratio against a baseline measured in the same run.
set -euo pipefail
cd "$(dirname "$0")"
dotnet build InfraGrpc.Bench -c Release -nologo -clp:ErrorsOnly
export_dir=$(mktemp -d)
trap 'rm -rf "$export_dir"' EXIT
dotnet InfraGrpc.Bench/bin/Release/net10.0/InfraGrpc.Bench.dll render "$export_dir"
(cd handlebars-js && npm ci --no-audit --no-fund --loglevel=error 2>/dev/null || npm install --no-audit --no-fund --loglevel=error)
node handlebars-js/render.mjs "$export_dir"
dotnet InfraGrpc.Bench/bin/Release/net10.0/InfraGrpc.Bench.dll engine
dotnet InfraGrpc.Bench/bin/Release/net10.0/InfraGrpc.Bench.dll latency
