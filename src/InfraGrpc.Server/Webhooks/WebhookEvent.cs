namespace InfraGrpc.Server.Webhooks;

/// <summary>What a GitHub or GitLab delivery means to InfraGrpc, whatever its provider's shape.</summary>
internal sealed record WebhookEvent(
    WebhookKind Kind,
    IReadOnlyList<string> RepositoryUrls,
    string? Branch,
    string? Sha,
    int PullRequest,
    PullRequestAction Action,
    string Actor)
{
    /// <summary>For a pull request: the branch it merges into.</summary>
    public string? BaseBranch { get; init; }

    /// <summary>For a pull request: the ref its host keeps in the base repository (<c>refs/pull/N/head</c>), which also holds fork commits.</summary>
    public string? PullRef { get; init; }
}

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
