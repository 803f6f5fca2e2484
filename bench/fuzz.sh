#!/usr/bin/env bash
# The long contract fuzz run: every RPC, hostile generated requests, against a server child process.
# Usage: ./bench/fuzz.sh [cases]   (default 100000). Prints one summary line: cases, status codes,
# UNKNOWN or INTERNAL count and the server's peak RSS; exits non-zero on any UNKNOWN, INTERNAL,
# unavailable answer, unary hang, crash or RSS past 2 GiB. A failure names the RPC and the case seed;
# replay one with INFRAGRPC_FUZZ_REPLAY="Method:seed" and the Replay_ test.
exec "$(dirname "$0")/long-run.sh" "ContractFuzzTests.EveryRpc_" "INFRAGRPC_FUZZ_CASES=${1:-100000}" fuzz "case seed|Assert|process died"
