using Google.Protobuf;
using Grpc.Core;
using InfraGrpc.Contracts.V1;

namespace InfraGrpc.Client.Story;

/// <summary>
/// Publish a chart, create a project, watch its pipeline counting node events, update a value, list
/// and diff revisions, undeploy, purge.
/// </summary>
internal static class Story
{
    private static readonly Dictionary<string, string> Chart = new()
    {
        ["Chart.yaml"] = "apiVersion: infragrpc.dev/v1\nkind: InfraChart\nmetadata: {name: story-csharp}\nspec: {version: 1.0.0}\n",
        ["values.yaml"] = "params:\n  - {name: replicas, type: number, value: 1}\n",
        ["templates/app.yaml"] = "apiVersion: x.io/v1\nkind: Queue\nmetadata: {name: jobs}\n---\napiVersion: x.io/v1\nkind: Worker\nmetadata: {name: worker}\n"
            + "spec:\n  replicas: {{values.replicas}}\n  queue: {valueFrom: {kind: Queue, name: jobs, fieldPath: status.outputs.id}}\n",
    };

    public static async Task RunAsync(InfraGrpcClient client, TextWriter log)
    {
        var files = new ChartFiles();
        files.Files.Add(Chart.Select(f => new ChartFile { Path = f.Key, Content = ByteString.CopyFromUtf8(f.Value) }));
        await InfraGrpcException.Wrap(client.Charts.PublishChartAsync(new PublishChartRequest { Files = files }));

        var name = $"story-cs-{Guid.NewGuid():N}"[..18];
        var created = await InfraGrpcException.Wrap(client.Projects.CreateProjectAsync(new CreateProjectRequest
        {
            Name = name,
            Org = "clients",
            Chart = new ChartReference { Name = "story-csharp" },
            Values = new ValuesInput { Set = { "replicas=2" } },
        }));
        var (result, nodes) = await WaitAsync(client, created.Pipeline.Id);
        Check(result == PipelineResult.Succeeded && nodes > 0, $"deploy ended {result} with {nodes} node events");
        await log.WriteLineAsync($"created clients/{name}: deployed with {nodes} node events");

        var updated = await InfraGrpcException.Wrap(client.Projects.UpdateProjectAsync(new UpdateProjectRequest
        {
            Project = created.Project.Id,
            BaseRevision = 1,
            ValuesPatch = new ValuesInput { Set = { "replicas=3" } },
            Message = "scale",
        }));
        Check((await WaitAsync(client, updated.Pipeline.Id)).Result == PipelineResult.Succeeded, "update failed");
        var revisions = await InfraGrpcException.Wrap(client.Projects.ListProjectRevisionsAsync(new ListProjectRevisionsRequest { Project = created.Project.Id }));
        Check(revisions.Revisions.Select(r => r.Number).SequenceEqual([2, 1]), "revisions are not 2, 1");
        var diff = (await InfraGrpcException.Wrap(client.Projects.DiffProjectRevisionsAsync(new DiffProjectRevisionsRequest { Project = created.Project.Id, FromRevision = 1, ToRevision = 2 }))).Diff;
        var change = diff.Values.Single(v => v.Key == "replicas");
        Check(change.OldValue.NumberValue == 2 && change.NewValue.NumberValue == 3, "diff lacks replicas 2 -> 3");
        await log.WriteLineAsync("updated: revision 2, replicas 2 -> 3");

        var undeploy = await InfraGrpcException.Wrap(client.Projects.UndeployProjectAsync(new UndeployProjectRequest { Project = created.Project.Id }));
        Check((await WaitAsync(client, undeploy.Pipeline.Id)).Result == PipelineResult.Succeeded, "undeploy failed");
        var purge = await InfraGrpcException.Wrap(client.Projects.PurgeProjectAsync(new PurgeProjectRequest { Project = created.Project.Id }));
        Check((await WaitAsync(client, purge.Pipeline.Id)).Result == PipelineResult.Succeeded, "purge failed");
        try
        {
            await InfraGrpcException.Wrap(client.Projects.GetProjectAsync(new GetProjectRequest { Project = created.Project.Id }));
            throw new StoryFailedException("the purged project is still there");
        }
        catch (InfraGrpcException e) when (e.StatusCode == StatusCode.NotFound)
        {
            await log.WriteLineAsync("undeployed and purged");
        }
    }

    private static async Task<(PipelineResult Result, int Nodes)> WaitAsync(InfraGrpcClient client, string pipelineId)
    {
        var (result, nodes) = (PipelineResult.Unspecified, 0);
        await foreach (var e in client.WatchPipelineAsync(pipelineId))
        {
            nodes += e.EventCase == WatchPipelineResponse.EventOneofCase.NodeChanged ? 1 : e.Snapshot?.Nodes.Count ?? 0;
            result = e.EventCase switch
            {
                WatchPipelineResponse.EventOneofCase.PipelineChanged => e.PipelineChanged.Result,
                WatchPipelineResponse.EventOneofCase.Snapshot => e.Snapshot!.Result,
                _ => result,
            };
        }

        return (result, nodes);
    }

    private static void Check(bool condition, string message)
    {
        if (!condition)
        {
            throw new StoryFailedException(message);
        }
    }
}

/// <summary>The story saw something other than what it expected.</summary>
internal sealed class StoryFailedException(string message) : Exception(message);
