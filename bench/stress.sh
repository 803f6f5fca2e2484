#!/usr/bin/env bash
# The store stress run: rounds of 8 parallel creates, updates and pipelines, each on a fresh data
# directory. Usage: ./bench/stress.sh [rounds] (default 200). Prints one line: rounds, pipelines and
# engine failures; exits non-zero on any failure.
exec "$(dirname "$0")/long-run.sh" "StoreStressTests" "INFRAGRPC_STRESS_ROUNDS=${1:-200}" stress "round [0-9]+:|Assert"
