#!/usr/bin/env python3
"""The InfraGrpc story from Python: publish a chart, create a project, watch its pipeline, update a
value, list and diff revisions, undeploy, purge. Exits non-zero on any failure.

    INFRAGRPC_SERVER=http://localhost:50051 /usr/bin/python3 clients/python/example.py
"""
import sys
import uuid

import grpc

from infragrpc_client import Client, chart_pb2, pipeline_pb2, project_pb2

CHART = {
    "Chart.yaml": "apiVersion: infragrpc.dev/v1\nkind: InfraChart\nmetadata: {name: story-python}\nspec: {version: 1.0.0}\n",
    "values.yaml": "params:\n  - {name: replicas, type: number, value: 1}\n",
    "templates/app.yaml": (
        "apiVersion: x.io/v1\nkind: Queue\nmetadata: {name: jobs}\n---\n"
        "apiVersion: x.io/v1\nkind: Worker\nmetadata: {name: worker}\n"
        "spec:\n  replicas: {{values.replicas}}\n  queue: {valueFrom: {kind: Queue, name: jobs, fieldPath: status.outputs.id}}\n"
    ),
}


def wait(client, pipeline_id):
    """Watches to the terminal event; returns (result, number of node events)."""
    nodes, result = 0, pipeline_pb2.PIPELINE_RESULT_UNSPECIFIED
    for event in client.watch(pipeline_id):
        kind = event.WhichOneof("event")
        if kind == "node_changed":
            nodes += 1
        elif kind == "pipeline_changed":
            result = event.pipeline_changed.result
        elif kind == "snapshot":
            result = event.snapshot.result
    return result, nodes


def story(client):
    files = chart_pb2.ChartFiles(files=[chart_pb2.ChartFile(path=p, content=c.encode()) for p, c in CHART.items()])
    client.charts.PublishChart(chart_pb2.PublishChartRequest(files=files))
    name = "story-py-" + uuid.uuid4().hex[:8]
    created = client.projects.CreateProject(project_pb2.CreateProjectRequest(
        name=name, org="clients", chart=chart_pb2.ChartReference(name="story-python"),
        values=chart_pb2.ValuesInput(set=["replicas=2"])))
    result, nodes = wait(client, created.pipeline.id)
    assert result == pipeline_pb2.PIPELINE_RESULT_SUCCEEDED, f"deploy ended {result}"
    assert nodes > 0, "no node events"
    print(f"created {created.project.org}/{name}: deployed with {nodes} node events")

    updated = client.projects.UpdateProject(project_pb2.UpdateProjectRequest(
        project=created.project.id, base_revision=1, values_patch=chart_pb2.ValuesInput(set=["replicas=3"]), message="scale"))
    assert wait(client, updated.pipeline.id)[0] == pipeline_pb2.PIPELINE_RESULT_SUCCEEDED
    revisions = client.projects.ListProjectRevisions(project_pb2.ListProjectRevisionsRequest(project=created.project.id))
    assert [r.number for r in revisions.revisions] == [2, 1], revisions
    diff = client.projects.DiffProjectRevisions(project_pb2.DiffProjectRevisionsRequest(project=created.project.id, from_revision=1, to_revision=2)).diff
    change = [v for v in diff.values if v.key == "replicas"][0]
    assert (change.old_value.number_value, change.new_value.number_value) == (2, 3), change
    print("updated: revision 2, replicas 2 -> 3")

    undeploy = client.projects.UndeployProject(project_pb2.UndeployProjectRequest(project=created.project.id))
    assert wait(client, undeploy.pipeline.id)[0] == pipeline_pb2.PIPELINE_RESULT_SUCCEEDED
    purge = client.projects.PurgeProject(project_pb2.PurgeProjectRequest(project=created.project.id))
    assert wait(client, purge.pipeline.id)[0] == pipeline_pb2.PIPELINE_RESULT_SUCCEEDED
    try:
        client.projects.GetProject(project_pb2.GetProjectRequest(project=created.project.id))
        raise AssertionError("the purged project is still there")
    except grpc.RpcError as error:
        assert error.code() == grpc.StatusCode.NOT_FOUND, error
    print("undeployed and purged")


if __name__ == "__main__":
    client = Client()
    try:
        story(client)
    except (AssertionError, grpc.RpcError) as failure:
        print(f"story failed: {failure}", file=sys.stderr)
        sys.exit(1)
    finally:
        client.close()
