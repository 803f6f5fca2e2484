#!/usr/bin/env bash
# Runs the README's "Quickstart with infractl" block exactly as written (each line must succeed), against
# a live server on a free port (INFRAGRPC_SERVER), with HOME in a scratch directory so the global tool
# install lands there. Exit 0 when every line succeeded.
set -euo pipefail
cd "$(dirname "$0")/.."
configuration=${CONFIGURATION:-Release}
scratch=$(mktemp -d)
trap 'kill $server 2>/dev/null; rm -rf "$scratch"' EXIT
block=$(awk '/^## Quickstart with infractl/{q=1} q && /^```bash/{b=1; next} b && /^```/{exit} b' README.md)
[ -n "$block" ] || { echo "no quickstart block in README.md"; exit 1; }

dotnet src/InfraGrpc.Server/bin/$configuration/net10.0/InfraGrpc.Server.dll --InfraGrpc:GrpcUrl=http://127.0.0.1:0 \
  --InfraGrpc:HttpUrl=http://127.0.0.1:0 --InfraGrpc:DataDirectory="$scratch/data" --InfraGrpc:Simulated:Latency=00:00:00.020 > "$scratch/server.log" 2>&1 &
server=$!
timeout 120 grep -q -m 1 -E "gRPC on |infragrpc:" <(tail -F "$scratch/server.log")
address=$(sed -nE 's/.*gRPC on (http:\/\/[0-9.:]+)\/?,.*/\1/p' "$scratch/server.log" | head -n 1)
[ -n "$address" ] || { cat "$scratch/server.log"; exit 1; }

# The block runs in bash with -e: the first line that fails stops it and fails the test.
export INFRAGRPC_SERVER="$address" NUGET_PACKAGES="${NUGET_PACKAGES:-$HOME/.nuget/packages}" HOME="$scratch/home" DOTNET_CLI_HOME="$scratch/home"
mkdir -p "$HOME"
printf '%s\n' "$block" > "$scratch/quickstart.sh"
echo "running the README quickstart ($(grep -c . "$scratch/quickstart.sh") lines) against $address"
bash -e -o pipefail -x "$scratch/quickstart.sh" > "$scratch/quickstart.log" 2>&1 || { tail -n 40 "$scratch/quickstart.log"; exit 1; }
grep -c '^+ infractl' "$scratch/quickstart.log" | xargs -I{} echo "{} infractl commands succeeded"
