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
internal sealed class WebhookHandler(ProjectService projects, IWebhookDeliveries deliveries, Secrets.SecretBox secrets, ILogger<WebhookHandler> logger)
{
    private const int MaxBody = 5 * 1024 * 1024;
    private const int MaxHeader = 256;
    private const string BadSignature = "the webhook signature does not verify with the secret of any project that tracks this repository";

    public static void Map(WebApplication app)
    {
        app.MapPost("/webhooks/github", (HttpContext http, WebhookHandler handler) => handler.CountedAsync(http, "github"));
        app.MapPost("/webhooks/gitlab", (HttpContext http, WebhookHandler handler) => handler.CountedAsync(http, "gitlab"));
    }

    // Every delivery counts once, by provider and by what became of it (accepted, duplicate, unauthorized…).
    private async Task<IResult> CountedAsync(HttpContext http, string provider)
    {
        var result = await HandleAsync(http, provider);
        var outcome = result switch
        {
            IStatusCodeHttpResult { StatusCode: 202 } => "accepted",
            IStatusCodeHttpResult { StatusCode: 200 } => "duplicate",
            IStatusCodeHttpResult { StatusCode: 401 } => "unauthorized",
            IStatusCodeHttpResult { StatusCode: 413 } => "too_large",
            IStatusCodeHttpResult { StatusCode: 400 } => "bad_request",
            _ => "error",
        };
        Domain.Telemetry.InfraTelemetry.WebhookDeliveries.Add(1, new KeyValuePair<string, object?>("provider", provider), new KeyValuePair<string, object?>("result", outcome));
        return result;
    }

    private async Task<IResult> HandleAsync(HttpContext http, string provider)
    {
        var cancellationToken = http.RequestAborted;
        if (http.Request.ContentLength > MaxBody)
        {
            return Results.Problem($"the payload is larger than {MaxBody} bytes", statusCode: StatusCodes.Status413PayloadTooLarge);
        }

        var headers = http.Request.Headers;
        var github = provider == "github";
        var eventName = (github ? headers["X-GitHub-Event"] : headers["X-Gitlab-Event"]).ToString();
        var delivery = (github ? headers["X-GitHub-Delivery"] : headers["X-Gitlab-Event-UUID"]).ToString();
        var signature = (github ? headers["X-Hub-Signature-256"] : headers["X-Gitlab-Token"]).ToString();
        if (eventName.Length == 0 || delivery.Length == 0)
        {
            return Results.Problem(github ? "X-GitHub-Event and X-GitHub-Delivery are required" : "X-Gitlab-Event and X-Gitlab-Event-UUID are required", statusCode: StatusCodes.Status400BadRequest);
        }

        if (eventName.Length > MaxHeader || delivery.Length > MaxHeader || signature.Length > MaxHeader)
        {
            return Results.Problem($"the event, delivery and signature headers are at most {MaxHeader} characters each", statusCode: StatusCodes.Status400BadRequest);
        }

        // Counted as it streams in, so a chunked body (no Content-Length) cannot grow past the limit either.
        var body = await ReadBoundedAsync(http.Request.Body, cancellationToken);
        if (body is null)
        {
            return Results.Problem($"the payload is larger than {MaxBody} bytes", statusCode: StatusCodes.Status413PayloadTooLarge);
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

        // An unknown repository is answered exactly like a known one with a bad signature (and after the
        // same HMAC work), so the answer does not tell which repositories are tracked.
        var verified = candidates.Values.Where(p => p.Git!.WebhookSecret is { Length: > 0 } sealedSecret
            && secrets.Open(sealedSecret) is var secret
            && (github ? WebhookSignatures.GitHub(secret, body, signature) : WebhookSignatures.GitLab(secret, signature))).ToList();
        if (candidates.Count == 0)
        {
            _ = github ? WebhookSignatures.GitHub(UnknownRepositorySecret, body, signature) : WebhookSignatures.GitLab(UnknownRepositorySecret, signature);
        }

        if (verified.Count == 0)
        {
            Log.WebhookRejected(logger, provider, Domain.Errors.Excerpt.Of(delivery), candidates.Count == 0 ? "(no project tracks the repository)" : string.Join(", ", candidates.Values.Select(p => p.QualifiedName)));
            return Results.Problem(BadSignature, statusCode: StatusCodes.Status401Unauthorized);
        }

        // A delivery is known by its id and by its body: a signed body replayed under a new delivery id
        // (the id is not signed) is the same delivery. Both are hashed, so any length fits a store key.
        var keys = new[] { "id:" + Digest(System.Text.Encoding.UTF8.GetBytes(delivery)), "body:" + Digest(body) };
        if (!await deliveries.TryRecordAsync(provider, keys, $"{eventName} {e.Branch} {e.Sha}", cancellationToken))
        {
            return Results.Ok(new { duplicate = true, message = "this delivery was already handled" });
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
            // A push is only a trigger: the build stage fetches the branch and deploys the head it finds,
            // never the commit the payload names, so a replayed old push cannot roll a deployment back.
            case WebhookKind.Push when e.Branch == project.Git!.Ref && e.Sha is { } sha && sha.Any(c => c != '0'):
                var pipeline = await projects.DeployCommitAsync(project, null, PipelineTrigger.GitPush, e.Actor, null, cancellationToken);
                return pipeline is null ? [] : [pipeline.Id];
            case WebhookKind.PullRequest when project.ParentProjectId is null && e.PullRequest > 0:
                return await PreviewAsync(project, e, cancellationToken);
            default:
                return [];
        }
    }

    // A pull request against the tracked branch gets a preview project <name>-pr-N in env <env>-pr-N,
    // deploying the pull request's ref in the base repository (so fork pull requests work) at the SHA the
    // event names. Closing it purges the preview, whatever the controls say by then.
    private async Task<IReadOnlyList<string>> PreviewAsync(Project parent, WebhookEvent e, CancellationToken cancellationToken)
    {
        var suffix = $"-pr-{e.PullRequest}";
        var name = Trim(parent.Name, suffix);
        var existing = await Find($"{parent.Org}/{name}", cancellationToken);
        if (existing is not null && existing.ParentProjectId != parent.Id)
        {
            return [];
        }

        var wanted = parent.Controls.EnablePullRequestDeployments && (e.BaseBranch is null || e.BaseBranch == parent.Git!.Ref);
        switch (e.Action)
        {
            case PullRequestAction.Closed when existing is not null:
                return await projects.PurgeAsync(existing.Id, e.Actor, 0, cancellationToken) is { } purge ? [purge.Id] : [];
            case PullRequestAction.Opened or PullRequestAction.Updated when existing is not null && wanted:
                var redeploy = await projects.DeployCommitAsync(existing, e.Sha ?? e.PullRef, PipelineTrigger.PullRequest, e.Actor, $"pull request {e.PullRequest}", cancellationToken);
                return redeploy is null ? [] : [redeploy.Id];
            case PullRequestAction.Opened or PullRequestAction.Updated when wanted && (e.PullRef ?? e.Branch) is { } reference:
                var git = parent.Git! with { Ref = reference, LastCommit = null };
                var controls = parent.Controls with { EnablePullRequestDeployments = false };
                var created = await projects.CreateGitAsync(
                    name, parent.Org, Trim(parent.Env, suffix), parent.Labels, git, controls, null, $"preview of pull request {e.PullRequest}", e.Actor, parent.Id,
                    firstCommit: e.Sha, trigger: PipelineTrigger.PullRequest, cancellationToken: cancellationToken);
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

    // A random key per process: the HMAC an unknown repository costs, compared against nothing.
    private static readonly string UnknownRepositorySecret = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    private static string Digest(byte[] bytes) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));

    private static async Task<byte[]?> ReadBoundedAsync(Stream body, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBody)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static string Trim(string name, string suffix) => (name.Length + suffix.Length > 63 ? name[..(63 - suffix.Length)].TrimEnd('-') : name) + suffix;
}
