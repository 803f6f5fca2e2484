#!/usr/bin/env bash
# Builds the C# client and runs the story against $INFRAGRPC_SERVER (the .NET SDK is this repository's toolchain).
set -euo pipefail
cd "$(dirname "$0")"
dotnet run --project InfraGrpc.Client.Story -c Release
