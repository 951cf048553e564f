#!/bin/sh
# Lambda's exec wrapper (AWS_LAMBDA_EXEC_WRAPPER in serverless.yml): Lambda runs this script with
# Node's command line as its arguments, the node binary first. It puts NODE_HEAP_FLAGS right after
# the binary, because Node refuses some V8 heap flags in NODE_OPTIONS (--initial-old-space-size
# "is not allowed in NODE_OPTIONS") but takes them on its command line.
node="$1"
shift
# NODE_HEAP_FLAGS is split into words on purpose: one word per flag.
# shellcheck disable=SC2086
exec "$node" $NODE_HEAP_FLAGS "$@"
