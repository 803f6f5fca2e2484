using System.Text;
using System.Text.Json;
using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Server.Tests;

/// <summary>Webhook deliveries are triggers only: replays run nothing, payloads never pick the commit, and hostile deliveries are bounded.</summary>
public sealed class WebhookDeliveryTests(ProjectServerFixture server) : IClassFixture<ProjectServerFixture>, IDisposable
{
    private const string Secret = "webhook-secret-for-delivery-tests";
    private readonly GitRepository _repo = new();
    private readonly Webhook _webhook = new(server.Host.HttpAddress);

    private Clients Api => server.Api;

    [Fact]
    public async Task Push_OldPushReplayedUnderANewDeliveryId_IsADuplicateAndRollsNothingBack()
    {
        var first = _repo.Commit("one", ("infra/vpc.yaml", GitRepository.Thing("vpc")));
        var created = await CreateAsync("replayed");
        await Api.WaitAsync(created.Pipeline.Id);
        var oldPush = JsonSerializer.SerializeToUtf8Bytes(Webhook.Push(_repo.Path, "main", first));
        var original = await _webhook.GitHubRawAsync(oldPush, Secret, "delivery-old");
        await Api.WaitAsync(Assert.Single(Webhook.Pipelines(original.Body)));
        var second = _repo.Commit("two", ("infra/db.yaml", GitRepository.Thing("db", "vpc")));
        var newer = await _webhook.GitHubAsync("push", Webhook.Push(_repo.Path, "main", second), Secret, delivery: "delivery-new");
        await Api.WaitAsync(Assert.Single(Webhook.Pipelines(newer.Body)));

        var replay = await _webhook.GitHubRawAsync(oldPush, Secret, "delivery-forged-id");

        Assert.Equal(200, replay.Status);
        Assert.True(replay.Body.GetProperty("duplicate").GetBoolean());
        var project = (await Api.Projects.GetProjectAsync(new Proto.GetProjectRequest { Project = created.Project.Id })).Project;
        Assert.Equal(second, project.Source.Git.LastCommit.Sha);
    }

    [Fact]
    public async Task Push_PayloadNamingAnOlderCommit_DeploysTheBranchHead()
    {
        var first = _repo.Commit("one", ("infra/vpc.yaml", GitRepository.Thing("vpc")));
        var created = await CreateAsync("stale-payload");
        await Api.WaitAsync(created.Pipeline.Id);
        var head = _repo.Commit("two", ("infra/db.yaml", GitRepository.Thing("db", "vpc")));

        var (status, body) = await _webhook.GitHubAsync("push", Webhook.Push(_repo.Path, "main", first), Secret);
        var deployed = await Api.WaitAsync(Assert.Single(Webhook.Pipelines(body)));

        Assert.Equal(202, status);
        Assert.Equal(head, deployed.Commit.Sha);
    }

    [Fact]
    public async Task Push_VeryLongDeliveryId_IsABadRequestNotAServerError()
    {
        var sha = _repo.Commit("one", ("infra/vpc.yaml", GitRepository.Thing("vpc")));
        await CreateAsync("long-id", new Proto.PipelineControls { DisablePipelines = true });

        var (status, _) = await _webhook.GitHubRawAsync(JsonSerializer.SerializeToUtf8Bytes(Webhook.Push(_repo.Path, "main", sha)), Secret, new string('d', 5_000));

        Assert.Equal(400, status);
    }

    [Fact]
    public async Task Push_ChunkedBodyPastTheLimit_IsRefusedAsItStreams()
    {
        var huge = Encoding.UTF8.GetBytes("{\"padding\":\"" + new string('x', 6 * 1024 * 1024) + "\"}");

        var (status, _) = await _webhook.GitHubRawAsync(huge, Secret, Guid.NewGuid().ToString(), chunked: true);

        Assert.Equal(413, status);
    }

    [Fact]
    public async Task Push_UnknownRepository_IsAnsweredLikeAKnownOneWithABadSignature()
    {
        var sha = _repo.Commit("one", ("infra/vpc.yaml", GitRepository.Thing("vpc")));
        await CreateAsync("known", new Proto.PipelineControls { DisablePipelines = true });

        var known = await _webhook.GitHubAsync("push", Webhook.Push(_repo.Path, "main", sha), "wrong-secret");
        var unknown = await _webhook.GitHubAsync("push", Webhook.Push("/nowhere/untracked", "main", sha), "wrong-secret");

        Assert.Equal(401, known.Status);
        Assert.Equal(known.Status, unknown.Status);
        Assert.Equal(known.Body.GetProperty("detail").GetString(), unknown.Body.GetProperty("detail").GetString());
    }

    public void Dispose()
    {
        _webhook.Dispose();
        _repo.Dispose();
    }

    private async Task<Proto.CreateProjectResponse> CreateAsync(string name, Proto.PipelineControls? controls = null) =>
        await Api.Projects.CreateProjectAsync(new Proto.CreateProjectRequest
        {
            Name = name,
            Org = "hooks",
            Env = "dev",
            Git = new Proto.GitSourceInput { Url = _repo.Path, Ref = "main", Path = "infra", WebhookSecret = Secret },
            Controls = controls,
        });
}
