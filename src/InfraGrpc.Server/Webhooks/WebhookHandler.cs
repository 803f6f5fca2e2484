using System.Text.Json;
using InfraGrpc.Domain.Errors;
using InfraGrpc.Domain.Git;
using InfraGrpc.Domain.Pipelines;
using InfraGrpc.Domain.Projects;
using InfraGrpc.Server.Logging;

namespace InfraGrpc.Server.Webhooks;

/// <summary>
/// <c>POST /webhooks/github</c> and <c>POST /webhooks/gitlab</c>: find the projects that track the
/// repository, keep those whose secret verifies the delivery, drop replayed deliveries, then deploy a
/// push to the tracked branch or open, update or purge a pull request's preview project. It answers as
/// soon as the pipelines are requested; they run after the response.
/// </summary>
internal sealed class WebhookHandler(ProjectService projects, IWebhookDeliveries deliveries, ILogger<WebhookHandler> logger)
{
    private const int MaxBody = 5 * 1024 * 1024;

    public static void Map(WebApplication app)
    {
        app.MapPost("/webhooks/github", (HttpContext http, WebhookHandler handler) => handler.HandleAsync(http, "github"));
        app.MapPost("/webhooks/gitlab", (HttpContext http, WebhookHandler handler) => handler.HandleAsync(http, "gitlab"));
    }

    private async Task<IResult> HandleAsync(HttpContext http, string provider)
    {
        var cancellationToken = http.RequestAborted;
        if (http.Request.ContentLength > MaxBody)
        {
            return Results.Problem($"the payload is larger than {MaxBody} bytes", statusCode: StatusCodes.Status413PayloadTooLarge);
        }

        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, cancellationToken);
        var body = buffer.ToArray();
        var headers = http.Request.Headers;
        var github = provider == "github";
        var eventName = (github ? headers["X-GitHub-Event"] : headers["X-Gitlab-Event"]).ToString();
        var delivery = (github ? headers["X-GitHub-Delivery"] : headers["X-Gitlab-Event-UUID"]).ToString();
        if (eventName.Length == 0 || delivery.Length == 0)
        {
            return Results.Problem(github ? "X-GitHub-Event and X-GitHub-Delivery are required" : "X-Gitlab-Event and X-Gitlab-Event-UUID are required", statusCode: StatusCodes.Status400BadRequest);
        }

        WebhookEvent e;
        try
        {
            using var document = JsonDocument.Parse(body);
            e = github ? WebhookParser.GitHub(eventName, document.RootElement) : WebhookParser.GitLab(eventName, document.RootElement);
        }
        catch (JsonException)
        {
            return Results.Problem("the payload is not JSON", statusCode: StatusCodes.Status400BadRequest);
        }

        var candidates = new Dictionary<string, Project>(StringComparer.Ordinal);
        foreach (var url in e.RepositoryUrls)
        {
            foreach (var project in await projects.FindByRepositoryAsync(url, cancellationToken))
            {
                candidates[project.Id] = project;
            }
        }

        if (candidates.Count == 0)
        {
            return Results.Accepted(value: new { matched = 0, message = "no project tracks this repository" });
        }

        var signature = (github ? headers["X-Hub-Signature-256"] : headers["X-Gitlab-Token"]).ToString();
        var verified = candidates.Values.Where(p => p.Git!.WebhookSecret is { Length: > 0 } secret
            && (github ? WebhookSignatures.GitHub(secret, body, signature) : WebhookSignatures.GitLab(secret, signature))).ToList();
        if (verified.Count == 0)
        {
            Log.WebhookRejected(logger, provider, delivery, string.Join(", ", candidates.Values.Select(p => p.QualifiedName)));
            return Results.Problem("the webhook signature does not verify with the secret of any project that tracks this repository", statusCode: StatusCodes.Status401Unauthorized);
        }

        if (!await deliveries.TryRecordAsync(provider, delivery, $"{eventName} {e.Branch} {e.Sha}", cancellationToken))
        {
            return Results.Ok(new { duplicate = true, message = $"delivery {delivery} was already handled" });
        }

        var started = new List<string>();
        foreach (var project in verified)
        {
            try
            {
                started.AddRange(await DispatchAsync(project, e, cancellationToken));
            }
            catch (DomainException failure)
            {
                Log.WebhookProjectFailed(logger, provider, delivery, project.QualifiedName, failure.Message);
            }
        }

        return Results.Accepted(value: new { matched = verified.Count, pipelines = started });
    }

    private async Task<IReadOnlyList<string>> DispatchAsync(Project project, WebhookEvent e, CancellationToken cancellationToken)
    {
        switch (e.Kind)
        {
            case WebhookKind.Push when e.Branch == project.Git!.Ref && e.Sha is { } sha && sha.Any(c => c != '0'):
                var pipeline = await projects.DeployCommitAsync(project, sha, PipelineTrigger.GitPush, e.Actor, null, cancellationToken);
                return pipeline is null ? [] : [pipeline.Id];
            case WebhookKind.PullRequest when project.Controls.EnablePullRequestDeployments && project.ParentProjectId is null && e.PullRequest > 0:
                return await PreviewAsync(project, e, cancellationToken);
            default:
                return [];
        }
    }

    private async Task<IReadOnlyList<string>> PreviewAsync(Project parent, WebhookEvent e, CancellationToken cancellationToken)
    {
        var suffix = $"-pr-{e.PullRequest}";
        var name = Trim(parent.Name, suffix);
        var existing = await Find($"{parent.Org}/{name}", cancellationToken);
        switch (e.Action)
        {
            case PullRequestAction.Closed when existing is not null:
                return await projects.PurgeAsync(existing.Id, e.Actor, cancellationToken) is { } purge ? [purge.Id] : [];
            case PullRequestAction.Opened or PullRequestAction.Updated when existing is not null:
                var redeploy = await projects.DeployCommitAsync(existing, e.Sha, PipelineTrigger.PullRequest, e.Actor, $"pull request {e.PullRequest}", cancellationToken);
                return redeploy is null ? [] : [redeploy.Id];
            case PullRequestAction.Opened or PullRequestAction.Updated when e.Branch is not null:
                var git = parent.Git! with { Ref = e.Branch, LastCommit = null };
                var controls = parent.Controls with { EnablePullRequestDeployments = false };
                var created = await projects.CreateGitAsync(
                    name, parent.Org, Trim(parent.Env, suffix), parent.Labels, git, controls, null, $"preview of pull request {e.PullRequest}", e.Actor, parent.Id, cancellationToken);
                return created.Pipeline is null ? [] : [created.Pipeline.Id];
            default:
                return [];
        }
    }

    private async Task<Project?> Find(string address, CancellationToken cancellationToken)
    {
        try
        {
            return await projects.GetAsync(address, cancellationToken);
        }
        catch (NotFoundException)
        {
            return null;
        }
    }

    private static string Trim(string name, string suffix) => (name.Length + suffix.Length > 63 ? name[..(63 - suffix.Length)].TrimEnd('-') : name) + suffix;
}
