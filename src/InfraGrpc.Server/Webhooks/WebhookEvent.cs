namespace InfraGrpc.Server.Webhooks;

/// <summary>What a GitHub or GitLab delivery means to InfraGrpc, whatever its provider's shape.</summary>
internal sealed record WebhookEvent(
    WebhookKind Kind,
    IReadOnlyList<string> RepositoryUrls,
    string? Branch,
    string? Sha,
    int PullRequest,
    PullRequestAction Action,
    string Actor);

internal enum WebhookKind
{
    Other,
    Push,
    PullRequest,
}

internal enum PullRequestAction
{
    None,
    Opened,
    Updated,
    Closed,
}
