using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace InfraGrpc.Server.Tests;

/// <summary>Sends GitHub- and GitLab-style deliveries to the server's HTTP/1.1 listener, signed as each provider signs them.</summary>
public sealed class Webhook(Uri httpAddress) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = httpAddress, DefaultRequestVersion = System.Net.HttpVersion.Version11 };

    public async Task<(int Status, JsonElement Body)> GitHubAsync(string eventName, object payload, string secret, string? delivery = null)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(payload);
        var signature = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
        return await SendAsync("/webhooks/github", body, false, ("X-GitHub-Event", eventName), ("X-GitHub-Delivery", delivery ?? Guid.NewGuid().ToString()), ("X-Hub-Signature-256", signature));
    }

    /// <summary>A GitHub delivery with its body and headers as given (for hostile deliveries).</summary>
    public async Task<(int Status, JsonElement Body)> GitHubRawAsync(byte[] body, string secret, string delivery, bool chunked = false)
    {
        var signature = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
        return await SendAsync("/webhooks/github", body, chunked, ("X-GitHub-Event", "push"), ("X-GitHub-Delivery", delivery), ("X-Hub-Signature-256", signature));
    }

    public async Task<(int Status, JsonElement Body)> GitLabAsync(string eventName, object payload, string token, string? delivery = null) =>
        await SendAsync("/webhooks/gitlab", JsonSerializer.SerializeToUtf8Bytes(payload), false, ("X-Gitlab-Event", eventName), ("X-Gitlab-Event-UUID", delivery ?? Guid.NewGuid().ToString()), ("X-Gitlab-Token", token));

    public static object Push(string repository, string branch, string sha) =>
        new { @ref = "refs/heads/" + branch, after = sha, repository = new { clone_url = repository }, pusher = new { name = "dana" } };

    public static object PullRequest(string repository, string action, int number, string branch, string sha, string baseBranch = "main") =>
        new { action, number, pull_request = new { head = new { @ref = branch, sha }, @base = new { @ref = baseBranch } }, repository = new { clone_url = repository }, sender = new { login = "dana" } };

    public static IReadOnlyList<string> Pipelines(JsonElement body) =>
        body.TryGetProperty("pipelines", out var list) ? list.EnumerateArray().Select(e => e.GetString()!).ToList() : [];

    public void Dispose() => _http.Dispose();

    private async Task<(int, JsonElement)> SendAsync(string path, byte[] body, bool chunked, params (string Name, string Value)[] headers)
    {
        // A stream of unknown length goes out chunked, with no Content-Length for the server to check first.
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = chunked ? new StreamContent(new UnknownLengthStream(body)) : new ByteArrayContent(body) };
        request.Headers.TransferEncodingChunked = chunked;
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }

        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    private sealed class UnknownLengthStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
