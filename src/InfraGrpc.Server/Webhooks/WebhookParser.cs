using System.Text.Json;

namespace InfraGrpc.Server.Webhooks;

/// <summary>Reads GitHub and GitLab push and pull/merge request payloads.</summary>
internal static class WebhookParser
{
    public static WebhookEvent GitHub(string eventName, JsonElement body)
    {
        var urls = Urls(body, "repository", "clone_url", "ssh_url", "html_url", "git_url", "url");
        switch (eventName)
        {
            case "push":
                return new WebhookEvent(WebhookKind.Push, urls, Branch(Text(body, "ref")), Text(body, "after"), 0, PullRequestAction.None, "github:" + (Text(body, "pusher", "name") ?? "unknown"));
            case "pull_request":
                var action = Text(body, "action") switch
                {
                    "opened" or "reopened" => PullRequestAction.Opened,
                    "synchronize" => PullRequestAction.Updated,
                    "closed" => PullRequestAction.Closed,
                    _ => PullRequestAction.None,
                };
                var number = body.TryGetProperty("number", out var n) && n.TryGetInt32(out var value) ? value : 0;
                return new WebhookEvent(WebhookKind.PullRequest, urls, Text(body, "pull_request", "head", "ref"), Text(body, "pull_request", "head", "sha"), number, action, "github:" + (Text(body, "sender", "login") ?? "unknown"))
                {
                    BaseBranch = Text(body, "pull_request", "base", "ref"),
                    PullRef = $"refs/pull/{number}/head",
                };
            default:
                return new WebhookEvent(WebhookKind.Other, urls, null, null, 0, PullRequestAction.None, "github");
        }
    }

    public static WebhookEvent GitLab(string eventName, JsonElement body)
    {
        var urls = Urls(body, "project", "git_http_url", "git_ssh_url", "web_url", "http_url", "ssh_url");
        switch (eventName)
        {
            case "Push Hook":
                return new WebhookEvent(WebhookKind.Push, urls, Branch(Text(body, "ref")), Text(body, "checkout_sha") ?? Text(body, "after"), 0, PullRequestAction.None, "gitlab:" + (Text(body, "user_username") ?? "unknown"));
            case "Merge Request Hook":
                var action = Text(body, "object_attributes", "action") switch
                {
                    "open" or "reopen" => PullRequestAction.Opened,
                    "update" => PullRequestAction.Updated,
                    "close" or "merge" => PullRequestAction.Closed,
                    _ => PullRequestAction.None,
                };
                var attributes = body.TryGetProperty("object_attributes", out var a) ? a : default;
                var number = attributes.ValueKind == JsonValueKind.Object && attributes.TryGetProperty("iid", out var iid) && iid.TryGetInt32(out var value) ? value : 0;
                return new WebhookEvent(WebhookKind.PullRequest, urls, Text(body, "object_attributes", "source_branch"), Text(body, "object_attributes", "last_commit", "id"), number, action, "gitlab:" + (Text(body, "user", "username") ?? "unknown"))
                {
                    BaseBranch = Text(body, "object_attributes", "target_branch"),
                    PullRef = $"refs/merge-requests/{number}/head",
                };
            default:
                return new WebhookEvent(WebhookKind.Other, urls, null, null, 0, PullRequestAction.None, "gitlab");
        }
    }

    private static string? Branch(string? reference) =>
        reference is not null && reference.StartsWith("refs/heads/", StringComparison.Ordinal) ? reference["refs/heads/".Length..] : null;

    private static List<string> Urls(JsonElement body, string owner, params string[] names) =>
        body.TryGetProperty(owner, out var repository) && repository.ValueKind == JsonValueKind.Object
            ? names.Select(name => repository.TryGetProperty(name, out var url) && url.ValueKind == JsonValueKind.String ? url.GetString() : null)
                .Where(url => !string.IsNullOrEmpty(url)).Select(url => url!).ToList()
            : [];

    private static string? Text(JsonElement element, params string[] path)
    {
        foreach (var name in path)
        {
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out element))
            {
                return null;
            }
        }

        return element.ValueKind == JsonValueKind.String ? element.GetString() : null;
    }
}
