namespace InfraGrpc.Domain.Git;

/// <summary>One commit of a git source: what a pipeline and a revision record about it.</summary>
public sealed record GitCommitInfo(string Sha, string Author, string Message, DateTimeOffset Time);

/// <summary>A git project's source: repository, tracked ref, folder, and the webhook secret (stored, never returned or logged).</summary>
public sealed record ProjectGit(string Url, string Ref, string Path, string? WebhookSecret, GitCommitInfo? LastCommit);

/// <summary>The repository, ref or manifests could not be read; the message names what and where.</summary>
public sealed class GitSourceException(string message) : Exception(message);
