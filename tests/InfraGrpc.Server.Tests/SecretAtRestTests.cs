using System.Text;
using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Server.Tests;

/// <summary>Issue 13: webhook secrets are encrypted at rest and never come back; deliveries still verify.</summary>
public sealed class SecretAtRestTests(ProjectServerFixture server) : IClassFixture<ProjectServerFixture>, IDisposable
{
    private readonly GitRepository _repo = new();

    [Fact]
    public async Task AWebhookSecret_IsNowhereInTheDataDirectory_NorInResponses_AndStillVerifiesDeliveries()
    {
        var marker = "whsec-" + Guid.NewGuid().ToString("N");
        _repo.Commit("one", ("infra/vpc.yaml", GitRepository.Thing("vpc")));
        var created = await server.Api.Projects.CreateProjectAsync(new Proto.CreateProjectRequest
        {
            Name = "sealed-secret",
            Org = "secrets",
            Git = new Proto.GitSourceInput { Url = _repo.Path, Ref = "main", Path = "infra", WebhookSecret = marker },
        });
        await server.Api.WaitAsync(created.Pipeline.Id);
        var resent = await server.Api.Projects.UpdateProjectAsync(new Proto.UpdateProjectRequest
        {
            Project = created.Project.Id,
            Git = new Proto.GitSourceInput { Url = _repo.Path, Ref = "main", Path = "infra", WebhookSecret = marker },
        });
        var sha = _repo.Commit("two", ("infra/db.yaml", GitRepository.Thing("db")));
        using var webhook = new Webhook(server.Host.HttpAddress);
        var delivered = await webhook.GitHubAsync("push", Webhook.Push(_repo.Path, "main", sha), marker);
        var project = await server.Api.Projects.GetProjectAsync(new Proto.GetProjectRequest { Project = created.Project.Id });

        Assert.Equal(202, delivered.Status);
        Assert.Null(resent.Pipeline);
        Assert.True(project.Project.Source.Git.HasWebhookSecret);
        Assert.DoesNotContain(marker, project.ToString(), StringComparison.Ordinal);
        var needle = Encoding.UTF8.GetBytes(marker);
        foreach (var file in Directory.EnumerateFiles(server.Host.DataDirectory, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith(".lock", StringComparison.Ordinal)))
        {
            var bytes = await ReadSharedAsync(file);
            Assert.True(bytes.AsSpan().IndexOf(needle) < 0, $"{file} holds the webhook secret in clear");
        }
    }

    public void Dispose() => _repo.Dispose();

    private static async Task<byte[]> ReadSharedAsync(string file)
    {
        await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }
}
