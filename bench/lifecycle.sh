#!/usr/bin/env bash
# The long lifecycle property run: random sequences (40 steps each) of create, update (adding, removing
# and renaming resources), rollback, upgrade, undeploy, redeploy, cancel and purge, checking after every
# step that the simulated inventory equals what the record says is deployed.
# Usage: ./bench/lifecycle.sh [sequences]   (default 200). Prints "lifecycle: N sequences, N steps, N mismatches";
# a failure prints the steps and CsCheck's seed; replay it with INFRAGRPC_LIFECYCLE_SEED=<seed> INFRAGRPC_LIFECYCLE_RUNS=1.
exec "$(dirname "$0")/long-run.sh" "LifecyclePropertyTests.RandomLifecycles_" "INFRAGRPC_LIFECYCLE_RUNS=${1:-200}" lifecycle "after step|steps:|Seed|seed"
