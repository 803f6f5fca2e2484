#!/usr/bin/env bash
# Installs Debian's gRPC runtime for Python and runs the story against $INFRAGRPC_SERVER.
set -euo pipefail
cd "$(dirname "$0")"
if ! /usr/bin/python3 -c "import grpc, google.protobuf" 2>/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-grpcio python3-protobuf >/dev/null
fi
/usr/bin/python3 -m unittest -v test_story test_tls
