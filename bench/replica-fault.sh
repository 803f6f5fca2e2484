#!/usr/bin/env bash
# The replica fault test: three replicas on one PostgreSQL database (a throw-away cluster), rounds of a
# 120-node deploy with a watcher on a replica that does not run it, kill -9 of the replica that does, and
# that replica started again. Usage: ./bench/replica-fault.sh [rounds] (default 10). Prints one line:
# rounds, takeover delays, pipelines not succeeded, watchers with a gap, nodes applied twice, resources
# never applied; exits non-zero unless all are as they must be.
exec "$(dirname "$0")/long-run.sh" "ReplicaTests.Kill9" "INFRAGRPC_REPLICA_FAULT_ROUNDS=${1:-10}" replica-fault "Assert|Expected|Actual|Exception"
