#!/usr/bin/env bash
# The crash fault test: rounds of kill -9 at a random moment of a 120-node deploy, with a watcher
# recording what it receives, then a restart on the same data directory. Usage: ./bench/fault.sh
# [rounds] (default 20). Prints one line: rounds, kills, acknowledged revisions lost, pipelines stuck,
# re-runs that succeeded and streamed events that changed; exits non-zero unless all are as they must be.
exec "$(dirname "$0")/long-run.sh" "CrashFaultTests" "INFRAGRPC_FAULT_ROUNDS=${1:-20}" fault "Assert|Expected|Actual|Exception"
