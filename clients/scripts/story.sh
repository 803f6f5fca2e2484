#!/usr/bin/env bash
# The InfraGrpc story with buf curl and server reflection (no proto files): publish a chart, create a
# project, watch its pipeline (server streaming), update a value, list and diff revisions, undeploy,
# purge. Needs jq. Server: $INFRAGRPC_SERVER (default http://localhost:50051).
set -euo pipefail
server=${INFRAGRPC_SERVER:-http://localhost:50051}
root=$(cd "$(dirname "$0")/../.." && pwd)
call() { # call Service/Method '{json}'
  "$root/node_modules/.bin/buf" curl --protocol grpc --http2-prior-knowledge -d "$2" "$server/infragrpc.v1.$1"
}
b64() { printf '%s' "$1" | base64 -w0; }
wait_for() { # follow WatchPipeline to its terminal event; print the result and the node states seen
  # (node events, plus the nodes of a snapshot when the watch joined late)
  call PipelineService/WatchPipeline "{\"pipelineId\": \"$1\"}" | jq -rs '
    (([.[] | select(.nodeChanged)] | length) + ([.[] | .snapshot.nodes // [] | length] | add)) as $nodes
    | (map(.pipelineChanged.result // .snapshot.result // empty) | last) + " " + ($nodes | tostring)'
}

chart=$(b64 $'apiVersion: infragrpc.dev/v1\nkind: InfraChart\nmetadata: {name: story-scripts}\nspec: {version: 1.0.0}\n')
values=$(b64 $'params:\n  - {name: replicas, type: number, value: 1}\n')
template=$(b64 $'apiVersion: x.io/v1\nkind: Queue\nmetadata: {name: jobs}\n---\napiVersion: x.io/v1\nkind: Worker\nmetadata: {name: worker}\nspec:\n  replicas: {{values.replicas}}\n  queue: {valueFrom: {kind: Queue, name: jobs, fieldPath: status.outputs.id}}\n')
call InfraChartService/PublishChart "{\"files\": {\"files\": [
  {\"path\": \"Chart.yaml\", \"content\": \"$chart\"},
  {\"path\": \"values.yaml\", \"content\": \"$values\"},
  {\"path\": \"templates/app.yaml\", \"content\": \"$template\"}]}}" > /dev/null

name="story-sh-$RANDOM$RANDOM"
created=$(call InfraProjectService/CreateProject "{\"name\": \"$name\", \"org\": \"clients\", \"chart\": {\"name\": \"story-scripts\"}, \"values\": {\"set\": [\"replicas=2\"]}}")
project=$(jq -r .project.id <<<"$created")
read -r result nodes < <(wait_for "$(jq -r .pipeline.id <<<"$created")")
[ "$result" = PIPELINE_RESULT_SUCCEEDED ] && [ "$nodes" -gt 0 ] || { echo "deploy: $result, $nodes node events" >&2; exit 1; }
echo "created clients/$name: deployed with $nodes node events"

updated=$(call InfraProjectService/UpdateProject "{\"project\": \"$project\", \"baseRevision\": 1, \"valuesPatch\": {\"set\": [\"replicas=3\"]}, \"message\": \"scale\"}")
read -r result _ < <(wait_for "$(jq -r .pipeline.id <<<"$updated")")
[ "$result" = PIPELINE_RESULT_SUCCEEDED ] || { echo "update: $result" >&2; exit 1; }
numbers=$(call InfraProjectService/ListProjectRevisions "{\"project\": \"$project\"}" | jq -c '[.revisions[].number]')
[ "$numbers" = "[2,1]" ] || { echo "revisions: $numbers" >&2; exit 1; }
change=$(call InfraProjectService/DiffProjectRevisions "{\"project\": \"$project\", \"fromRevision\": 1, \"toRevision\": 2}" \
  | jq -c '.diff.values[] | select(.key == "replicas") | [.oldValue, .newValue]')
[ "$change" = "[2,3]" ] || { echo "diff: $change" >&2; exit 1; }
echo "updated: revision 2, replicas 2 -> 3"

read -r result _ < <(wait_for "$(call InfraProjectService/UndeployProject "{\"project\": \"$project\"}" | jq -r .pipeline.id)")
[ "$result" = PIPELINE_RESULT_SUCCEEDED ] || { echo "undeploy: $result" >&2; exit 1; }
read -r result _ < <(wait_for "$(call InfraProjectService/PurgeProject "{\"project\": \"$project\"}" | jq -r .pipeline.id)")
[ "$result" = PIPELINE_RESULT_SUCCEEDED ] || { echo "purge: $result" >&2; exit 1; }
if call InfraProjectService/GetProject "{\"project\": \"$project\"}" >/dev/null 2>&1; then
  echo "the purged project is still there" >&2
  exit 1
fi
echo "undeployed and purged"
