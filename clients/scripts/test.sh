#!/usr/bin/env bash
# Installs what the buf curl story needs (the pinned buf via npm ci, jq from Debian) and runs it against $INFRAGRPC_SERVER.
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v jq >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq jq >/dev/null; }
[ -x node_modules/.bin/buf ] || npm ci --no-audit --no-fund --loglevel=error
bash clients/scripts/story.sh
