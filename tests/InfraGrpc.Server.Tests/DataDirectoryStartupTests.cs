using System.Diagnostics;
using Xunit.Abstractions;

namespace InfraGrpc.Server.Tests;

/// <summary>An unusable data directory stops the server with one line that names the problem and the setting, and exit code 1.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
[Trait("store", "litedb")] // what only the embedded file has: its directory lock, its free-space reserve, its engine failures
public sealed class DataDirectoryStartupTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("infragrpc-datadir-").FullName;
    private readonly List<string> _mounts = [];

    [Fact]
    public async Task Start_OnABusyPort_ExitsOneWithOneLineNamingTheSetting()
    {
        using var busy = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        busy.Start();
        var port = ((System.Net.IPEndPoint)busy.LocalEndpoint).Port;

        var (exitCode, _, error) = await ServerProcess.RunToExitAsync(Path.Combine(_root, "busy"), null, $"--InfraGrpc:GrpcUrl=http://127.0.0.1:{port}");

        Assert.Equal(1, exitCode);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("address already in use", line, StringComparison.Ordinal);
        Assert.Contains("--InfraGrpc:GrpcUrl", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_FileInPlaceOfTheDirectory_ExitsOneNamingIt()
    {
        var path = Path.Combine(_root, "data");
        await File.WriteAllTextAsync(path, "not a directory");

        await AssertRefusedAsync(path, "is a file, not a directory");
    }

    [Fact]
    public async Task Start_PathUnderAFile_ExitsOneNamingTheFile()
    {
        var file = Path.Combine(_root, "blocker");
        await File.WriteAllTextAsync(file, "x");

        await AssertRefusedAsync(Path.Combine(file, "data"), $"{file} is a file");
    }

    [Fact]
    public async Task Start_ReadOnlyDirectory_ExitsOneSayingItIsNotWritable()
    {
        if (MountReadOnly() is not { } mounted)
        {
            return;
        }

        await AssertRefusedAsync(mounted, "is not writable");
        await AssertRefusedAsync(Path.Combine(mounted, "missing"), "cannot be created");
    }

    [Fact]
    public async Task Start_DirectoryWithoutWritePermission_ExitsOneSayingPermissionDenied()
    {
        var path = Path.Combine(_root, "locked-down");
        Directory.CreateDirectory(path);
        File.SetUnixFileMode(_root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);

        // Root ignores permission bits, so as root the server runs as the unprivileged user 'nobody',
        // which needs to reach the built server (a clone under /root, say, it cannot).
        var asRoot = Environment.UserName == "root";
        if (asRoot && !ReachableByOthers(ServerHost.RepositoryRoot))
        {
            output.WriteLine($"skipped: the user 'nobody' cannot reach {ServerHost.RepositoryRoot}, so the server cannot run unprivileged here");
            return;
        }

        var (code, _, error) = await ServerProcess.RunToExitAsync(path, asRoot ? "65534" : null);

        Assert.Equal(1, code);
        Assert.Contains("permission denied", error, StringComparison.Ordinal);
        AssertOneLine(error);
    }

    [Fact]
    public async Task Start_DirectoryHeldByALiveServer_ExitsOneSayingInUse()
    {
        var path = Path.Combine(_root, "shared");
        using var first = await ServerProcess.StartAsync(path);

        await AssertRefusedAsync(path, "is in use by another InfraGrpc server");
    }

    public void Dispose()
    {
        foreach (var mount in _mounts)
        {
            using var umount = Process.Start("umount", ["-l", mount]);
            umount.WaitForExit();
        }

        Directory.Delete(_root, recursive: true);
    }

    private static bool ReachableByOthers(string directory)
    {
        for (var current = new DirectoryInfo(directory); current is not null; current = current.Parent)
        {
            if (!current.UnixFileMode.HasFlag(UnixFileMode.OtherExecute))
            {
                return false;
            }
        }

        return true;
    }

    private static void AssertOneLine(string error)
    {
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("infragrpc: ", lines[0], StringComparison.Ordinal);
        Assert.Contains("InfraGrpc:DataDirectory", lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    private static async Task AssertRefusedAsync(string path, string problem)
    {
        var (code, _, error) = await ServerProcess.RunToExitAsync(path);

        Assert.Equal(1, code);
        Assert.Contains(problem, error, StringComparison.Ordinal);
        AssertOneLine(error);
    }

    private string? MountReadOnly()
    {
        var target = Path.Combine(_root, "read-only");
        Directory.CreateDirectory(target);
        using var mount = Process.Start(new ProcessStartInfo("mount", ["-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", target]) { RedirectStandardError = true })!;
        var refusal = mount.StandardError.ReadToEnd();
        mount.WaitForExit();
        if (mount.ExitCode != 0)
        {
            output.WriteLine($"skipped: mounting a read-only tmpfs is not permitted here ({refusal.Trim()})");
            return null;
        }

        _mounts.Add(target);
        return target;
    }
}
