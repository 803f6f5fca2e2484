using InfraGrpc.Domain.Pipelines;
using InfraGrpc.Domain.Provisioners;
using InfraGrpc.Domain.Resources;

namespace InfraGrpc.Domain.Tests;

public sealed class ExecProvisionerTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("infragrpc-exec-").FullName;
    private readonly List<(LogSource Source, string Text)> _log = [];

    [Fact]
    public async Task Apply_ReadsTheManifestOnStdin_AndReturnsTheOutputsFile()
    {
        var script = Script("""
            manifest=$(cat)
            echo "operation=$INFRA_OPERATION kind=$INFRA_RESOURCE_KIND name=$INFRA_RESOURCE_NAME"
            echo "warming up" >&2
            printf '{"manifest": %s, "bucketArn": "arn:aws:s3:::%s"}' "$manifest" "$INFRA_RESOURCE_NAME" > "$INFRA_OUTPUTS_FILE"
            """);

        var outcome = await Run(script, OperationKind.Apply, TimeSpan.FromSeconds(30));

        Assert.True(outcome.Succeeded, outcome.Message);
        Assert.Equal("arn:aws:s3:::site", outcome.Outputs!["bucketArn"]);
        var echoed = (IReadOnlyDictionary<string, object?>)outcome.Outputs["manifest"]!;
        Assert.Equal("AwsS3Bucket", echoed["kind"]);
        Assert.Contains((LogSource.Stdout, "operation=apply kind=AwsS3Bucket name=site"), _log);
        Assert.Contains((LogSource.Stderr, "warming up"), _log);
    }

    [Fact]
    public async Task NonZeroExit_IsAFailureWithItsOutputLogged()
    {
        var script = Script("echo 'AccessDenied: no permission' >&2; exit 3");

        var outcome = await Run(script, OperationKind.Apply, TimeSpan.FromSeconds(30));

        Assert.False(outcome.Succeeded);
        Assert.Contains("exited with 3", outcome.Message, StringComparison.Ordinal);
        Assert.Contains((LogSource.Stderr, "AccessDenied: no permission"), _log);
    }

    [Fact]
    public async Task OutputsThatAreNotAJsonObject_AreAFailure()
    {
        var script = Script("echo '[1, 2]' > \"$INFRA_OUTPUTS_FILE\"");

        var outcome = await Run(script, OperationKind.Apply, TimeSpan.FromSeconds(30));

        Assert.False(outcome.Succeeded);
        Assert.Contains("JSON object", outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Timeout_KillsTheWholeProcessTree()
    {
        var pidFile = Path.Combine(_directory, "child.pid");
        var script = Script($"sleep 300 & echo $! > {pidFile}; echo started; wait");

        var outcome = await Run(script, OperationKind.Destroy, TimeSpan.FromMilliseconds(1500));

        Assert.False(outcome.Succeeded);
        Assert.Contains("timed out", outcome.Message, StringComparison.Ordinal);
        var child = int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        // The grandchild is not ours to wait on; SIGKILL lands at once but the kernel reaps it asynchronously.
        Assert.True(SpinWait.SpinUntil(() => !IsAlive(child), TimeSpan.FromSeconds(10)), $"the grandchild process {child} survived the timeout");
    }

    [Fact]
    public async Task MissingCommand_IsAFailureNotACrash()
    {
        var outcome = await new ExecProvisioner(new ExecRoute { Command = Path.Combine(_directory, "nope") }).RunAsync(Request(OperationKind.Apply), CancellationToken.None);

        Assert.False(outcome.Succeeded);
        Assert.Contains("cannot start", outcome.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Aws*", "AwsVpc", true)]
    [InlineData("Aws*", "GcpVpc", false)]
    [InlineData("GcpVpc, Aws*", "GcpVpc", true)]
    [InlineData("*", "Anything", true)]
    public void Route_MatchesKindsByPattern(string kinds, string kind, bool expected) =>
        Assert.Equal(expected, new ExecRoute { Kinds = kinds }.Matches(kind));

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private Task<ProvisionerOutcome> Run(string script, OperationKind operation, TimeSpan timeout) =>
        new ExecProvisioner(new ExecRoute { Command = "/bin/bash", Arguments = [script], Timeout = timeout }).RunAsync(Request(operation), CancellationToken.None);

    private ProvisionerRequest Request(OperationKind operation) => new(
        "p1",
        "acme/site",
        "prod",
        new ResourceKey("AwsS3Bucket", "site"),
        operation,
        new Dictionary<string, object?> { ["kind"] = "AwsS3Bucket", ["spec"] = new Dictionary<string, object?> { ["versioning"] = true } },
        new Dictionary<string, object?>(),
        (source, text) =>
        {
            lock (_log)
            {
                _log.Add((source, text));
            }
        });

    private string Script(string body)
    {
        var path = Path.Combine(_directory, $"provisioner-{Guid.NewGuid():N}.sh");
        File.WriteAllText(path, "set -e\n" + body + "\n");
        return path;
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            // Field 3 of /proc/PID/stat is the state; a zombie (Z) or dead (X) process is no longer running.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..][0];
            return state is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }
}
