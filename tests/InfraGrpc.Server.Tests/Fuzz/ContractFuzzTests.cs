using System.Collections.Concurrent;
using System.Globalization;
using CsCheck;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Health.V1;
using Xunit.Abstractions;
using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Server.Tests.Fuzz;

/// <summary>
/// Property: for every RPC of the contract (enumerated from the service descriptors, so a new RPC is
/// covered without a change here) and any request, however malformed, extreme or hostile, the server
/// answers with a status other than UNKNOWN or INTERNAL, stays SERVING, and its resident memory stays
/// bounded. The server runs as a child process, so a crash is seen as a crash. The number of cases
/// is <c>INFRAGRPC_FUZZ_CASES</c> (default 1,500); <c>bench/fuzz.sh</c> runs the long version.
/// </summary>
public sealed class ContractFuzzTests(ITestOutputHelper output) : IDisposable
{
    private const long MaxResidentBytes = 2L * 1024 * 1024 * 1024;
    private readonly string _directory = Directory.CreateTempSubdirectory("infragrpc-fuzz-").FullName;

    /// <summary>Every RPC of every service in the infragrpc.v1 package.</summary>
    public static IReadOnlyList<MethodDescriptor> ContractMethods { get; } =
        new[] { Proto.ChartReflection.Descriptor, Proto.ProjectReflection.Descriptor, Proto.PipelineReflection.Descriptor, Proto.ResourceReflection.Descriptor, Proto.AccessReflection.Descriptor }
            .SelectMany(file => file.Services)
            .SelectMany(service => service.Methods)
            .ToList();

    [Fact]
    public async Task EveryRpc_HostileRequests_NeverUnknownOrInternal_AndTheServerStaysUpAndBounded()
    {
        var cases = int.TryParse(Environment.GetEnvironmentVariable("INFRAGRPC_FUZZ_CASES"), CultureInfo.InvariantCulture, out var n) ? n : 1_500;
        using var server = await ServerProcess.StartAsync(_directory, "--InfraGrpc:Simulated:Latency=00:00:00");
        var targets = await SeedAsync(new Clients(server.Channel));
        var messages = new HostileMessages(targets);
        var failures = new ConcurrentQueue<string>();
        var codes = new ConcurrentDictionary<StatusCode, int>();
        var perMethod = new ConcurrentDictionary<string, int>();
        var done = 0;

        await Gen.Select(Gen.Int[0, ContractMethods.Count - 1], Gen.ULong).SampleAsync(
            async (index, seed) =>
            {
                var method = ContractMethods[index];
                var random = new Random(unchecked((int)seed ^ (int)(seed >> 32)));
                var body = HostileMessages.Encode(method.InputType, messages.Build(method.InputType, random), random);
                var code = await CallAsync(server, method, body);
                codes.AddOrUpdate(code, 1, (_, c) => c + 1);
                perMethod.AddOrUpdate(method.FullName, 1, (_, c) => c + 1);
                if (code is StatusCode.Unknown or StatusCode.Internal or StatusCode.Unavailable || (code == StatusCode.DeadlineExceeded && !method.IsServerStreaming))
                {
                    failures.Enqueue($"{method.FullName} case seed {seed}: {code}");
                }

                if (Interlocked.Increment(ref done) % 250 == 0)
                {
                    Assert.False(server.HasExited, "the server process died");
                    Assert.True(Resident(server.ProcessId, "VmRSS") < MaxResidentBytes, "the server's resident memory grew past 2 GiB");
                }
            },
            iter: cases,
            threads: 2);

        Assert.False(server.HasExited, "the server process died");
        var health = await new Health.HealthClient(server.Channel).CheckAsync(new HealthCheckRequest());
        var peak = Resident(server.ProcessId, "VmHWM");
        output.WriteLine($"fuzz: {done} cases over {perMethod.Count} of {ContractMethods.Count} RPCs; " +
            string.Join(", ", codes.OrderBy(c => c.Key).Select(c => $"{c.Key} {c.Value}")) +
            $"; UNKNOWN or INTERNAL {codes.GetValueOrDefault(StatusCode.Unknown) + codes.GetValueOrDefault(StatusCode.Internal)}; peak RSS {peak / (1024 * 1024)} MiB");

        Assert.True(failures.IsEmpty, string.Join('\n', failures.Take(20)) + "\n--- server log ---\n" + server.RecentLog);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        Assert.True(peak < MaxResidentBytes, $"peak RSS {peak} bytes");
        if (cases >= ContractMethods.Count * 20)
        {
            Assert.Equal(ContractMethods.Count, perMethod.Count);
        }
    }

    /// <summary>Replays one case: <c>INFRAGRPC_FUZZ_REPLAY="GetChart:80994157380"</c> (a method name and a case seed from a failure).</summary>
    [Fact]
    public async Task Replay_OneCaseFromTheEnvironment_PrintsItsOutcome()
    {
        if (Environment.GetEnvironmentVariable("INFRAGRPC_FUZZ_REPLAY") is not { } replay)
        {
            return;
        }

        var (name, seed) = (replay.Split(':')[0], ulong.Parse(replay.Split(':')[1], CultureInfo.InvariantCulture));
        using var server = await ServerProcess.StartAsync(_directory, "--InfraGrpc:Simulated:Latency=00:00:00");
        var messages = new HostileMessages(await SeedAsync(new Clients(server.Channel)));
        var method = ContractMethods.Single(m => m.Name == name);
        var random = new Random(unchecked((int)seed ^ (int)(seed >> 32)));
        var message = messages.Build(method.InputType, random);
        var body = HostileMessages.Encode(method.InputType, message, random);
        var text = message.ToString() ?? string.Empty;
        output.WriteLine($"{method.FullName} {body.Length} bytes: {text[..Math.Min(2_000, text.Length)]}");
        output.WriteLine($"outcome: {await CallAsync(server, method, body, output)}");
        output.WriteLine(server.RecentLog);
    }

    [Fact]
    public void ContractMethods_AreEnumeratedFromTheDescriptors()
    {
        Assert.Contains(ContractMethods, m => m.FullName == "infragrpc.v1.InfraProjectService.ForceDeleteProject");
        Assert.Contains(ContractMethods, m => m.FullName == "infragrpc.v1.PipelineService.WatchPipeline" && m.IsServerStreaming);
        Assert.True(ContractMethods.Count >= 29);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static async Task<StatusCode> CallAsync(ServerProcess server, MethodDescriptor method, byte[] body, ITestOutputHelper? output = null)
    {
        var bytes = Marshallers.Create(b => b, b => b);
        var type = method.IsServerStreaming ? MethodType.ServerStreaming : MethodType.Unary;
        var call = new Method<byte[], byte[]>(type, method.Service.FullName, method.Name, bytes, bytes);
        var invoker = server.Channel.CreateCallInvoker();

        // Unary calls that take this long count as hangs; streams may run until their deadline.
        var options = new CallOptions(deadline: DateTime.UtcNow + (method.IsServerStreaming ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(30)));
        try
        {
            if (method.IsServerStreaming)
            {
                using var stream = invoker.AsyncServerStreamingCall(call, null, options, body);
                while (await stream.ResponseStream.MoveNext(CancellationToken.None))
                {
                }
            }
            else
            {
                await invoker.AsyncUnaryCall(call, null, options, body);
            }

            return StatusCode.OK;
        }
        catch (RpcException e)
        {
            output?.WriteLine(e.ToString());
            return e.StatusCode;
        }
    }

    private static long Resident(int processId, string field)
    {
        var line = File.ReadLines($"/proc/{processId}/status").FirstOrDefault(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    private static async Task<FuzzTargets> SeedAsync(Clients api)
    {
        var targets = new FuzzTargets();
        await api.Charts.PublishChartAsync(new Proto.PublishChartRequest { Files = FiveEnvironmentStoryTests.StoryChart("1.0.0", null) });
        for (var i = 0; i < 3; i++)
        {
            var created = await api.Projects.CreateProjectAsync(new Proto.CreateProjectRequest
            {
                Name = $"target-{i}",
                Org = "fuzz",
                Env = "dev",
                Chart = new Proto.ChartReference { Name = "web-env" },
                Values = new Proto.ValuesInput { Set = { "domain=fuzz.io" } },
            });
            await api.Projects.UpdateProjectAsync(new Proto.UpdateProjectRequest { Project = created.Project.Id, ValuesPatch = new Proto.ValuesInput { Set = { "replicas=3" } } });
            targets.Projects.AddRange([created.Project.Id, $"fuzz/target-{i}"]);
            targets.Pipelines.Add(created.Pipeline.Id);
            var page = await api.Projects.ListProjectRevisionsAsync(new Proto.ListProjectRevisionsRequest { Project = created.Project.Id, PageSize = 1 });
            targets.PageTokens.Add(page.NextPageToken);
        }

        return targets;
    }
}
