#!/usr/bin/env bash
# The cost of OpenTelemetry: a 1,000-node pipeline and GetProject throughput with telemetry on and off,
# alternated in one run, as ratios (goal >= 0.95).
set -euo pipefail
cd "$(dirname "$0")"
dotnet build InfraGrpc.Bench -c Release -nologo -clp:ErrorsOnly
dotnet InfraGrpc.Bench/bin/Release/net10.0/InfraGrpc.Bench.dll telemetry
