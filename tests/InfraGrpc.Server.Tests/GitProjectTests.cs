using Grpc.Core;
using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Server.Tests;

public sealed class GitProjectTests(ProjectServerFixture server) : IClassFixture<ProjectServerFixture>, IDisposable
{
    private const string Secret = "webhook-secret-for-tests";
    private readonly GitRepository _repo = new();
    private readonly Webhook _webhook = new(server.Host.HttpAddress);

    private Clients Api => server.Api;

    [Fact]
    public async Task CreateGitProject_DeploysTheHeadCommitOfTheFolder_AndRecordsTheCommit()
    {
        var sha = _repo.Commit("network and app", ("infra/vpc.yaml", GitRepository.Thing("vpc")), ("infra/app/app.yaml", GitRepository.Thing("app", "vpc")), ("README.md", "not a manifest"));

        var created = await CreateAsync("git-head");
        var done = await Api.WaitAsync(created.Pipeline.Id);
        var project = (await Api.Projects.GetProjectAsync(new Proto.GetProjectRequest { Project = created.Project.Id })).Project;
        var revision = (await Api.Projects.GetProjectRevisionAsync(new Proto.GetProjectRevisionRequest { Project = created.Project.Id })).Revision;

        Assert.Equal(Proto.PipelineResult.Succeeded, done.Result);
        Assert.Equal(sha, done.Commit.Sha);
        Assert.Equal("Dana Dev <dana@example.com>", done.Commit.Author);
        Assert.Equal("network and app", done.Commit.Message);
        Assert.Equal(["Thing/app", "Thing/vpc"], done.Nodes.Select(n => n.Key));
        Assert.Equal(["Thing/vpc"], done.Nodes[0].Producers);
        Assert.Equal(sha, project.Source.Git.LastCommit.Sha);
        Assert.True(project.Source.Git.HasWebhookSecret);
        Assert.Equal(sha, revision.Commit.Sha);
        Assert.Equal(1, revision.Number);
    }

    [Fact]
    public async Task SignedPush_DeploysThatCommit_WrongSignatureIsRefused_AndAReplayRunsNothing()
    {
        _repo.Commit("one", ("infra/vpc.yaml", GitRepository.Thing("vpc")));
        var created = await CreateAsync("git-push");
        await Api.WaitAsync(created.Pipeline.Id);
        var sha = _repo.Commit("add a database", ("infra/db.yaml", GitRepository.Thing("db", "vpc")));

        var forged = await _webhook.GitHubAsync("push", Webhook.Push(_repo.Path, "main", sha), "not-the-secret");
        var (status, body) = await _webhook.GitHubAsync("push", Webhook.Push(_repo.Path, "main", sha), Secret, delivery: "delivery-1");
        var deployed = await Api.WaitAsync(Assert.Single(Webhook.Pipelines(body)));
        var replay = await _webhook.GitHubAsync("push", Webhook.Push(_repo.Path, "main", sha), Secret, delivery: "delivery-1");
        var otherBranch = await _webhook.GitHubAsync("push", Webhook.Push(_repo.Path, "feature", sha), Secret);

        Assert.Equal(401, forged.Status);
        Assert.Equal(202, status);
        Assert.Equal(Proto.PipelineTrigger.GitPush, deployed.Trigger);
        Assert.Equal(sha, deployed.Commit.Sha);
        Assert.Contains(deployed.Nodes, n => n.Key == "Thing/db" && n.StackJob.Result == Proto.PipelineResult.Succeeded);
        Assert.Equal(200, replay.Status);
        Assert.True(replay.Body.GetProperty("duplicate").GetBoolean());
        Assert.Empty(Webhook.Pipelines(otherBranch.Body));
        var history = await Api.Projects.ListProjectRevisionsAsync(new Proto.ListProjectRevisionsRequest { Project = created.Project.Id });
        Assert.Equal([Proto.RevisionCause.GitPush, Proto.RevisionCause.Create], history.Revisions.Select(r => r.Cause));
    }

    [Fact]
    public async Task GitLabPush_WithTheToken_Deploys()
    {
        _repo.Commit("one", ("infra/vpc.yaml", GitRepository.Thing("vpc")));
        var created = await CreateAsync("git-gitlab");
        await Api.WaitAsync(created.Pipeline.Id);
        var sha = _repo.Commit("two", ("infra/cache.yaml", GitRepository.Thing("cache")));

        var refused = await _webhook.GitLabAsync("Push Hook", new { @ref = "refs/heads/main", checkout_sha = sha, project = new { git_http_url = _repo.Path } }, "wrong");
        var (status, body) = await _webhook.GitLabAsync("Push Hook", new { @ref = "refs/heads/main", checkout_sha = sha, project = new { git_http_url = "file://" + _repo.Path + ".git" } }, Secret);
        var deployed = await Api.WaitAsync(Assert.Single(Webhook.Pipelines(body)));

        Assert.Equal(401, refused.Status);
        Assert.Equal(202, status);
        Assert.Contains(deployed.Nodes, n => n.Key == "Thing/cache");
    }

    [Fact]
    public async Task BadManifestsAndBadRepositories_FailTheBuildStageNamingTheCause()
    {
        _repo.Commit("broken", ("infra/good.yaml", GitRepository.Thing("good")), ("infra/broken.yaml", "apiVersion: x.io/v1\nkind: lowercase\nmetadata: {name: b}\n"));
        var created = await CreateAsync("git-broken");
        var failed = await Api.WaitAsync(created.Pipeline.Id);
        var missing = await Api.Projects.CreateProjectAsync(new Proto.CreateProjectRequest
        {
            Name = "git-missing",
            Org = "acme",
            Git = new Proto.GitSourceInput { Url = _repo.Path + "-does-not-exist", Ref = "main" },
        });
        var missingDone = await Api.WaitAsync(missing.Pipeline.Id);

        Assert.Equal(Proto.PipelineResult.Failed, failed.Result);
        Assert.Contains("infra/broken.yaml", failed.Stages.Single(s => s.Kind == Proto.PipelineStageKind.Build).Reason, StringComparison.Ordinal);
        Assert.Equal(Proto.PipelineResult.Failed, missingDone.Result);
        Assert.Contains("cannot fetch ref 'main'", missingDone.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunPipeline_WithACommit_DeploysThatCommit()
    {
        var first = _repo.Commit("first", ("infra/a.yaml", GitRepository.Thing("a")));
        _repo.Commit("second", ("infra/b.yaml", GitRepository.Thing("b")));
        var created = await CreateAsync("git-pinned");
        await Api.WaitAsync(created.Pipeline.Id);

        var pinned = await Api.Pipelines.RunPipelineAsync(new Proto.RunPipelineRequest { Project = created.Project.Id, CommitSha = first });
        var done = await Api.WaitAsync(pinned.Pipeline.Id);

        Assert.Equal(first, done.Commit.Sha);

        // The older commit has no Thing/b: the deploy destroys it (issue 12, finding 1).
        Assert.Equal([("Thing/a", Proto.PipelineNodeAction.Apply), ("Thing/b", Proto.PipelineNodeAction.Destroy)], done.Nodes.Select(n => (n.Key, n.Action)));
        Assert.All(done.Nodes, n => Assert.Equal(Proto.PipelineResult.Succeeded, n.StackJob.Result));
    }

    [Fact]
    public async Task PullRequest_OpensAPreview_UpdatesIt_AndClosingPurgesIt()
    {
        _repo.Commit("main", ("infra/vpc.yaml", GitRepository.Thing("vpc")));
        var created = await CreateAsync("git-previews", new Proto.PipelineControls { EnablePullRequestDeployments = true });
        await Api.WaitAsync(created.Pipeline.Id);
        _repo.Checkout("feature", create: true);
        var opened = _repo.Commit("try a queue", ("infra/queue.yaml", GitRepository.Thing("queue", "vpc")));

        var open = await _webhook.GitHubAsync("pull_request", Webhook.PullRequest(_repo.Path, "opened", 42, "feature", opened), Secret);
        var openDone = await Api.WaitAsync(Assert.Single(Webhook.Pipelines(open.Body)));
        var preview = (await Api.Projects.GetProjectAsync(new Proto.GetProjectRequest { Project = "acme/git-previews-pr-42" })).Project;
        var updated = _repo.Commit("and a topic", ("infra/topic.yaml", GitRepository.Thing("topic")));
        var update = await _webhook.GitHubAsync("pull_request", Webhook.PullRequest(_repo.Path, "synchronize", 42, "feature", updated), Secret);
        var updateDone = await Api.WaitAsync(Assert.Single(Webhook.Pipelines(update.Body)));
        var close = await _webhook.GitHubAsync("pull_request", Webhook.PullRequest(_repo.Path, "closed", 42, "feature", updated), Secret);
        var closeDone = await Api.WaitAsync(Assert.Single(Webhook.Pipelines(close.Body)));

        Assert.Equal(Proto.PipelineResult.Succeeded, openDone.Result);
        Assert.Equal("dev-pr-42", preview.Env);
        Assert.Equal(created.Project.Id, preview.ParentProjectId);
        Assert.Contains(openDone.Nodes, n => n.Key == "Thing/queue");
        Assert.Equal(updated, updateDone.Commit.Sha);
        Assert.Contains(updateDone.Nodes, n => n.Key == "Thing/topic");
        Assert.Equal(Proto.PipelineOperation.Undeploy, closeDone.Operation);
        await RpcAssert.ThrowsAsync(StatusCode.NotFound, async () => await Api.Projects.GetProjectAsync(new Proto.GetProjectRequest { Project = "acme/git-previews-pr-42" }));
        var parentResources = await Api.Projects.ListProjectResourcesAsync(new Proto.ListProjectResourcesRequest { Project = created.Project.Id });
        Assert.Equal(["Thing/vpc"], parentResources.Resources.Select(r => $"{r.Resource.Kind}/{r.Resource.Name}"));
    }

    [Fact]
    public async Task PipelineControls_DisabledPipelinesRecordOnly_DisabledDeploymentsBuildOnly_PullRequestsOffByDefault()
    {
        _repo.Commit("one", ("infra/vpc.yaml", GitRepository.Thing("vpc")));
        var quiet = await CreateAsync("git-quiet", new Proto.PipelineControls { DisablePipelines = true });
        var buildOnly = await CreateAsync("git-build-only", new Proto.PipelineControls { DisableDeployments = true });
        await Api.WaitAsync(buildOnly.Pipeline.Id);
        var sha = _repo.Commit("two", ("infra/db.yaml", GitRepository.Thing("db")));

        var push = await _webhook.GitHubAsync("push", Webhook.Push(_repo.Path, "main", sha), Secret);
        var built = await Api.WaitAsync(Assert.Single(Webhook.Pipelines(push.Body)));
        var pullRequest = await _webhook.GitHubAsync("pull_request", Webhook.PullRequest(_repo.Path, "opened", 7, "main", sha), Secret);

        Assert.Null(quiet.Pipeline);
        Assert.Equal(202, push.Status);
        Assert.Equal(2, push.Body.GetProperty("matched").GetInt32());
        Assert.Equal(buildOnly.Project.Id, built.ProjectId);
        Assert.True(built.BuildOnly);
        Assert.All(built.Nodes, n => Assert.Equal(Proto.PipelineResult.Skipped, n.StackJob.Result));
        Assert.Empty(Webhook.Pipelines(pullRequest.Body));
        await RpcAssert.ThrowsAsync(StatusCode.NotFound, async () => await Api.Pipelines.GetLastPipelineAsync(new Proto.GetLastPipelineRequest { Project = quiet.Project.Id }));
    }

    public void Dispose()
    {
        _webhook.Dispose();
        _repo.Dispose();
    }

    [Fact]
    public async Task PullRequest_OpenedThenClosedAtOnce_LeavesNoPreview()
    {
        _repo.Commit("main", ("infra/vpc.yaml", GitRepository.Thing("vpc")));
        var created = await CreateAsync("pr-quick", new Proto.PipelineControls { EnablePullRequestDeployments = true });
        await Api.WaitAsync(created.Pipeline.Id);
        _repo.Checkout("quick", create: true);
        var sha = _repo.Commit("try", ("infra/queue.yaml", GitRepository.Thing("queue")));

        var open = await _webhook.GitHubAsync("pull_request", Webhook.PullRequest(_repo.Path, "opened", 9, "quick", sha), Secret);
        var close = await _webhook.GitHubAsync("pull_request", Webhook.PullRequest(_repo.Path, "closed", 9, "quick", sha), Secret);
        var opened = await Api.WaitAsync(Assert.Single(Webhook.Pipelines(open.Body)));
        var purged = await Api.WaitAsync(Assert.Single(Webhook.Pipelines(close.Body)));

        Assert.Equal(Proto.PipelineTrigger.PullRequest, opened.Trigger);
        Assert.Equal(Proto.PipelineResult.Succeeded, purged.Result);
        Assert.Equal(["Thing/queue", "Thing/vpc"], purged.Nodes.Select(n => n.Key).Order());
        await RpcAssert.ThrowsAsync(StatusCode.NotFound, async () => await Api.Projects.GetProjectAsync(new Proto.GetProjectRequest { Project = "acme/pr-quick-pr-9" }));
    }

    [Fact]
    public async Task PullRequest_ClosedAfterPreviewsWereSwitchedOff_StillPurgesThePreview()
    {
        _repo.Commit("main", ("infra/vpc.yaml", GitRepository.Thing("vpc")));
        var created = await CreateAsync("pr-off", new Proto.PipelineControls { EnablePullRequestDeployments = true });
        await Api.WaitAsync(created.Pipeline.Id);
        _repo.Checkout("off", create: true);
        var sha = _repo.Commit("try", ("infra/queue.yaml", GitRepository.Thing("queue")));
        var open = await _webhook.GitHubAsync("pull_request", Webhook.PullRequest(_repo.Path, "opened", 10, "off", sha), Secret);
        await Api.WaitAsync(Assert.Single(Webhook.Pipelines(open.Body)));

        await Api.Projects.UpdateProjectAsync(ReconciliationTests.Mask(created.Project.Id, "controls.enable_pull_request_deployments", new Proto.PipelineControls()));
        var close = await _webhook.GitHubAsync("pull_request", Webhook.PullRequest(_repo.Path, "closed", 10, "off", sha), Secret);
        var purged = await Api.WaitAsync(Assert.Single(Webhook.Pipelines(close.Body)));

        Assert.Equal(Proto.PipelineResult.Succeeded, purged.Result);
        await RpcAssert.ThrowsAsync(StatusCode.NotFound, async () => await Api.Projects.GetProjectAsync(new Proto.GetProjectRequest { Project = "acme/pr-off-pr-10" }));
    }

    [Fact]
    public async Task PullRequest_AgainstAnotherBaseBranch_GetsNoPreview()
    {
        _repo.Commit("main", ("infra/vpc.yaml", GitRepository.Thing("vpc")));
        var created = await CreateAsync("pr-base", new Proto.PipelineControls { EnablePullRequestDeployments = true });
        await Api.WaitAsync(created.Pipeline.Id);
        _repo.Checkout("hotfix", create: true);
        var sha = _repo.Commit("fix", ("infra/queue.yaml", GitRepository.Thing("queue")));

        var open = await _webhook.GitHubAsync("pull_request", Webhook.PullRequest(_repo.Path, "opened", 11, "hotfix", sha, baseBranch: "release"), Secret);

        Assert.Empty(Webhook.Pipelines(open.Body));
        await RpcAssert.ThrowsAsync(StatusCode.NotFound, async () => await Api.Projects.GetProjectAsync(new Proto.GetProjectRequest { Project = "acme/pr-base-pr-11" }));
    }

    [Fact]
    public async Task PullRequest_FromAFork_DeploysTheSha_ItNamesFromThePullRef()
    {
        _repo.Commit("main", ("infra/vpc.yaml", GitRepository.Thing("vpc")));
        var created = await CreateAsync("pr-fork", new Proto.PipelineControls { EnablePullRequestDeployments = true });
        await Api.WaitAsync(created.Pipeline.Id);

        // The fork's branch is not in the base repository; only the host's refs/pull/12/head holds its commits.
        _repo.Checkout("contributor-branch", create: true);
        var older = _repo.Commit("first try", ("infra/queue.yaml", GitRepository.Thing("queue")));
        var newer = _repo.Commit("second try", ("infra/topic.yaml", GitRepository.Thing("topic")));
        _repo.UpdateRef("refs/pull/12/head", newer);
        _repo.Checkout("main");
        _repo.DeleteBranch("contributor-branch");

        // The event names the older SHA (it was delivered late): that SHA is deployed, not the ref's head.
        var open = await _webhook.GitHubAsync("pull_request", Webhook.PullRequest(_repo.Path, "opened", 12, "contributor-branch", older), Secret);
        var opened = await Api.WaitAsync(Assert.Single(Webhook.Pipelines(open.Body)));

        Assert.Equal(Proto.PipelineResult.Succeeded, opened.Result);
        Assert.Equal(older, opened.Commit.Sha);
        Assert.Equal(Proto.PipelineTrigger.PullRequest, opened.Trigger);
        Assert.Equal(["Thing/queue", "Thing/vpc"], opened.Nodes.Select(n => n.Key).Order());
    }

    private async Task<Proto.CreateProjectResponse> CreateAsync(string name, Proto.PipelineControls? controls = null) =>
        await Api.Projects.CreateProjectAsync(new Proto.CreateProjectRequest
        {
            Name = name,
            Org = "acme",
            Env = "dev",
            Git = new Proto.GitSourceInput { Url = _repo.Path, Ref = "main", Path = "infra", WebhookSecret = Secret },
            Controls = controls,
        });
}
