using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace InfraGrpc.Domain.Git;

/// <summary>
/// Reads git sources with the git CLI: one bare mirror per repository URL under the cache folder,
/// fetched shallowly, and one fetch at a time per repository, so concurrent pipelines are safe.
/// </summary>
public sealed class GitRepositories(string cacheDirectory)
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(5);
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);

    /// <summary>
    /// Fetches <paramref name="refOrSha"/> (a branch, tag or commit SHA) and returns the commit with the manifests
    /// under <paramref name="path"/>. A SHA that no branch holds is also looked for in <paramref name="holdingRef"/>
    /// (a pull request's <c>refs/pull/N/head</c>, where a fork's commits live).
    /// </summary>
    /// <exception cref="GitSourceException">The repository, ref or folder cannot be read.</exception>
    public async Task<(GitCommitInfo Commit, IReadOnlyList<(string File, string Text)> Manifests)> ReadAsync(
        string url, string refOrSha, string path, string? holdingRef = null, CancellationToken cancellationToken = default)
    {
        var mirror = Path.Combine(cacheDirectory, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(url)))[..24]);
        var gate = _locks.GetOrAdd(mirror, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (!Directory.Exists(Path.Combine(mirror, "objects")))
            {
                Directory.CreateDirectory(mirror);
                await GitAsync(mirror, cancellationToken, "init", "--bare", "--quiet");
            }

            var sha = await FetchAsync(mirror, url, refOrSha, holdingRef, cancellationToken);
            var log = (await GitAsync(mirror, cancellationToken, "log", "-1", "--format=%H%n%an <%ae>%n%ct%n%s", sha)).Split('\n');
            var commit = new GitCommitInfo(log[0], log[1], log.Length > 3 ? log[3] : string.Empty, DateTimeOffset.FromUnixTimeSeconds(long.Parse(log[2], CultureInfo.InvariantCulture)));
            var folder = path.Trim('/');
            var listing = await GitAsync(mirror, cancellationToken, "ls-tree", "-r", "--name-only", sha, "--", folder.Length == 0 ? "." : folder);
            var files = listing.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal))
                .Order(StringComparer.Ordinal)
                .ToList();
            if (files.Count == 0)
            {
                throw new GitSourceException($"no *.yaml files under '{(folder.Length == 0 ? "/" : folder)}' at {sha[..12]}");
            }

            var manifests = new List<(string, string)>();
            foreach (var file in files)
            {
                manifests.Add((file, await GitAsync(mirror, cancellationToken, "show", $"{sha}:{file}")));
            }

            return (commit, manifests);
        }
        finally
        {
            gate.Release();
        }
    }

    private static async Task<string> FetchAsync(string mirror, string url, string refOrSha, string? holdingRef, CancellationToken cancellationToken)
    {
        var isSha = refOrSha.Length == 40 && refOrSha.All(Uri.IsHexDigit);
        if (isSha && await TryGitAsync(mirror, cancellationToken, "cat-file", "-e", refOrSha + "^{commit}") is not null)
        {
            return refOrSha;
        }

        if (!isSha)
        {
            var fetched = await TryGitAsync(mirror, cancellationToken, "fetch", "--quiet", "--depth", "1", "--force", url, $"{refOrSha}:refs/infragrpc/{refOrSha}");
            if (fetched is null)
            {
                throw new GitSourceException($"cannot fetch ref '{refOrSha}' from {url}");
            }

            return (await GitAsync(mirror, cancellationToken, "rev-parse", $"refs/infragrpc/{refOrSha}^{{commit}}")).Trim();
        }

        // A commit that is not a branch tip: try it directly (servers that allow it), then every branch with history.
        if (await TryGitAsync(mirror, cancellationToken, "fetch", "--quiet", "--depth", "1", url, refOrSha) is null)
        {
            await TryGitAsync(mirror, cancellationToken, "fetch", "--quiet", "--force", url, "+refs/heads/*:refs/infragrpc-all/*");
            if (holdingRef is not null && await TryGitAsync(mirror, cancellationToken, "cat-file", "-e", refOrSha + "^{commit}") is null)
            {
                await TryGitAsync(mirror, cancellationToken, "fetch", "--quiet", "--force", url, $"+{holdingRef}:refs/infragrpc/{holdingRef}");
            }
        }

        return await TryGitAsync(mirror, cancellationToken, "cat-file", "-e", refOrSha + "^{commit}") is not null
            ? refOrSha
            : throw new GitSourceException($"commit {refOrSha} is not in {url}");
    }

    private static async Task<string> GitAsync(string directory, CancellationToken cancellationToken, params string[] arguments) =>
        await TryGitAsync(directory, cancellationToken, arguments) ?? throw new GitSourceException($"git {arguments[0]} failed in the repository cache");

    private static async Task<string?> TryGitAsync(string directory, CancellationToken cancellationToken, params string[] arguments)
    {
        var start = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = directory };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("protocol.file.allow=always");
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["GIT_TERMINAL_PROMPT"] = "0";
        using var process = Process.Start(start) ?? throw new GitSourceException("cannot start git");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CommandTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new GitSourceException($"git {arguments[0]} timed out");
        }

        await error;
        return process.ExitCode == 0 ? await output : null;
    }
}
