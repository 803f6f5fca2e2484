using System.Diagnostics;

namespace InfraGrpc.Server.Tests;

/// <summary>A real git repository made by a test: files, commits, branches.</summary>
public sealed class GitRepository : IDisposable
{
    public GitRepository()
    {
        Path = Directory.CreateTempSubdirectory("infragrpc-repo-").FullName;
        Git("init", "--quiet", "--initial-branch=main");
        Git("config", "user.name", "Dana Dev");
        Git("config", "user.email", "dana@example.com");
        Git("config", "commit.gpgsign", "false");
    }

    public string Path { get; }

    /// <summary>Writes files (path → content, null deletes) and commits them; returns the commit SHA.</summary>
    public string Commit(string message, params (string File, string? Content)[] files)
    {
        foreach (var (file, content) in files)
        {
            var full = System.IO.Path.Combine(Path, file);
            if (content is null)
            {
                File.Delete(full);
                continue;
            }

            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
            File.WriteAllText(full, content);
        }

        Git("add", "--all");
        Git("commit", "--quiet", "--allow-empty", "-m", message);
        return Git("rev-parse", "HEAD").Trim();
    }

    public void Checkout(string branch, bool create = false)
    {
        if (create)
        {
            Git("checkout", "--quiet", "-b", branch);
        }
        else
        {
            Git("checkout", "--quiet", branch);
        }
    }

    /// <summary>Points a ref at a commit, as a git host does for <c>refs/pull/N/head</c>.</summary>
    public void UpdateRef(string name, string sha) => Git("update-ref", name, sha);

    public void DeleteBranch(string branch) => Git("branch", "--quiet", "-D", branch);

    public void Dispose() => Directory.Delete(Path, recursive: true);

    public static string Thing(string name, string? dependsOn = null) =>
        $"apiVersion: test.infragrpc.dev/v1\nkind: Thing\nmetadata:\n  name: {name}\nspec:\n" +
        (dependsOn is null ? "  size: 1\n" : $"  input: {{valueFrom: {{kind: Thing, name: {dependsOn}, fieldPath: status.outputs.id}}}}\n");

    private string Git(params string[] arguments)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = Path, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"git {string.Join(' ', arguments)}: {error}");
    }
}
