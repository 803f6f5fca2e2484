using System.Diagnostics;
using Grpc.Core;
using Xunit.Abstractions;
using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Server.Tests;

/// <summary>A full disk is a clear RESOURCE_EXHAUSTED within the call's deadline, writes nothing the caller saw fail, and heals once space is back.</summary>
[Trait("store", "litedb")] // what only the embedded file has: its directory lock, its free-space reserve, its engine failures
public sealed class DiskFullTests(ITestOutputHelper output) : IDisposable
{
    private const long Reserve = 4L * 1024 * 1024;
    private readonly string _root = Directory.CreateTempSubdirectory("infragrpc-diskfull-").FullName;
    private bool _mounted;

    [Fact]
    public async Task CreateProject_OnAFullDisk_IsResourceExhaustedAndRecoversOnceSpaceIsFreed()
    {
        if (!Mount(24))
        {
            return;
        }

        var data = Path.Combine(_root, "data");
        var filler = Path.Combine(_root, "filler");
        var acknowledged = 0;
        using (var server = await ServerProcess.StartAsync(data, $"--InfraGrpc:Storage:MinFreeBytes={Reserve}"))
        {
            var api = new Clients(server.Channel);
            await api.Charts.PublishChartAsync(new Proto.PublishChartRequest { Files = FiveEnvironmentStoryTests.StoryChart("1.0.0", null) });

            // Leave a little more than the reserve free, then create until the store refuses.
            await FillAsync(filler, new DriveInfo(_root).AvailableFreeSpace - Reserve - (2 * 1024 * 1024));
            RpcException? refused = null;
            for (var i = 0; i < 2_000 && refused is null; i++)
            {
                try
                {
                    await api.Projects.CreateProjectAsync(Request(i), deadline: DateTime.UtcNow.AddSeconds(10));
                    acknowledged++;
                }
                catch (RpcException e)
                {
                    refused = e;
                }
            }

            Assert.NotNull(refused);
            Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
            Assert.Equal("STORAGE_FULL", RpcAssert.Info(refused).Reason);

            File.Delete(filler);
            await api.Projects.CreateProjectAsync(Request(10_000), deadline: DateTime.UtcNow.AddSeconds(10));
            acknowledged++;
            await server.KillAsync();
        }

        using (var restarted = await ServerProcess.StartAsync(data, $"--InfraGrpc:Storage:MinFreeBytes={Reserve}"))
        {
            var listed = await new Clients(restarted.Channel).Projects.ListProjectsAsync(new Proto.ListProjectsRequest { Org = "full", PageSize = 500 });
            output.WriteLine($"disk full: {acknowledged} creates acknowledged, {listed.Projects.Count} projects after the restart");
            Assert.Equal(acknowledged, listed.Projects.Count);
        }
    }

    public void Dispose()
    {
        if (_mounted)
        {
            using var umount = Process.Start("umount", ["-l", _root]);
            umount.WaitForExit();
        }

        Directory.Delete(_root, recursive: true);
    }

    private static Proto.CreateProjectRequest Request(int i) => new()
    {
        Name = $"p-{i}",
        Org = "full",
        Env = "dev",
        Chart = new Proto.ChartReference { Name = "web-env" },
        Values = new Proto.ValuesInput { Set = { "domain=full.io" } },
        Controls = new Proto.PipelineControls { DisablePipelines = true },
        Message = new string('m', 4_000),
    };

    private static async Task FillAsync(string path, long bytes)
    {
        await using var file = File.Create(path);
        var block = new byte[1024 * 1024];
        for (long written = 0; written < bytes; written += block.Length)
        {
            await file.WriteAsync(block.AsMemory(0, (int)Math.Min(block.Length, bytes - written)));
        }
    }

    private bool Mount(int megabytes)
    {
        using var mount = Process.Start(new ProcessStartInfo("mount", ["-t", "tmpfs", "-o", $"size={megabytes}m", "tmpfs", _root]) { RedirectStandardError = true })!;
        var refusal = mount.StandardError.ReadToEnd();
        mount.WaitForExit();
        if (mount.ExitCode != 0)
        {
            output.WriteLine($"skipped: mounting a small tmpfs is not permitted here ({refusal.Trim()})");
            return false;
        }

        _mounted = true;
        return true;
    }
}
