#!/usr/bin/env bash
# Installs the pinned packages (npm ci) and runs the story against $INFRAGRPC_SERVER with Node's test runner.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --loglevel=error
npm test
