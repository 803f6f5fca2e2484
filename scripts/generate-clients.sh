#!/usr/bin/env bash
# Regenerates every generated client from protos/ with local plugins (buf generate). The C# code is
# generated at build time by Grpc.Tools into src/InfraGrpc.Contracts/obj and is not committed.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v protoc >/dev/null || need+=(protobuf-compiler)
command -v grpc_python_plugin >/dev/null || need+=(protobuf-compiler-grpc)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
npm ci --no-audit --no-fund --loglevel=error
(cd clients/typescript && npm ci --no-audit --no-fund --loglevel=error)
(cd web && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)

rm -rf clients/typescript/src/gen clients/python/infragrpc_client/gen web/src/gen
npx buf generate
npx buf generate --template web/buf.gen.yaml
touch clients/python/infragrpc_client/gen/__init__.py
echo "generated: clients/typescript/src/gen, clients/python/infragrpc_client/gen, web/src/gen"
