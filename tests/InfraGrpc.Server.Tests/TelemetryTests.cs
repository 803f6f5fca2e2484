using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Server.Tests;

/// <summary>Traces, metrics, JSON logs and probes, as an operator's tools see them.</summary>
public sealed partial class TelemetryTests
{
    [Fact]
    public async Task APipelineIsOneTrace_WithStages_StackJobs_AndOperations_UnderTheCallThatStartedIt()
    {
        var spans = new List<Activity>();
        using var tracing = Sdk.CreateTracerProviderBuilder().AddSource("InfraGrpc", "Microsoft.AspNetCore").AddInMemoryExporter(spans).Build();
        await using var host = await ServerHost.StartAsync(null, "--InfraGrpc:Simulated:Latency=00:00:00");
        var api = new Clients(host.Channel);
        await api.Charts.PublishChartAsync(new Proto.PublishChartRequest { Files = LifecycleChart.Files() });
        var created = await api.Projects.CreateProjectAsync(LifecycleChart.CreateIn("acme", "traced", "dev", "a", "b>a"));
        var done = await api.WaitAsync(created.Pipeline.Id);
        tracing.ForceFlush();

        Activity[] trace;
        lock (spans)
        {
            trace = spans.Where(s => s.TraceId.ToHexString() == done.TraceId).ToArray();
        }

        var pipeline = Assert.Single(trace, s => s.OperationName.StartsWith("pipeline ", StringComparison.Ordinal));
        Assert.Equal(32, done.TraceId.Length);
        Assert.Equal(created.Pipeline.TraceId, done.TraceId);
        Assert.Equal(
            (created.Pipeline.Id, "deploy", "acme", "acme/traced", "dev", "1", "succeeded"),
            (Tag(pipeline, "infragrpc.pipeline.id"), Tag(pipeline, "infragrpc.pipeline.operation"), Tag(pipeline, "infragrpc.org"), Tag(pipeline, "infragrpc.project"), Tag(pipeline, "infragrpc.env"), Tag(pipeline, "infragrpc.revision"), Tag(pipeline, "infragrpc.result")));
        var stages = trace.Where(s => s.ParentSpanId == pipeline.SpanId && s.OperationName.StartsWith("stage ", StringComparison.Ordinal)).ToList();
        Assert.Equal(["stage build", "stage deploy"], stages.OrderBy(s => s.StartTimeUtc).Select(s => s.OperationName));
        var deploy = stages.Single(s => s.OperationName == "stage deploy");
        var jobs = trace.Where(s => s.ParentSpanId == deploy.SpanId).ToList();
        Assert.Equal(["a", "b"], jobs.Select(j => Tag(j, "infragrpc.resource.name")).Order());
        foreach (var job in jobs)
        {
            Assert.Equal(("Thing", "apply", "succeeded"), (Tag(job, "infragrpc.resource.kind"), Tag(job, "infragrpc.stack_job.action"), Tag(job, "infragrpc.result")));
            var operations = trace.Where(s => s.ParentSpanId == job.SpanId && s.OperationName.StartsWith("operation ", StringComparison.Ordinal)).OrderBy(s => s.StartTimeUtc).ToList();
            Assert.Equal(["refresh", "preview", "apply"], operations.Select(o => Tag(o, "infragrpc.operation")));
            Assert.All(operations, o => Assert.Equal("succeeded", Tag(o, "infragrpc.result")));
        }

        // b used a's output, so its stack job started after a's ended.
        Assert.True(jobs.Single(j => Tag(j, "infragrpc.resource.name") == "b").StartTimeUtc >= jobs.Single(j => Tag(j, "infragrpc.resource.name") == "a").StartTimeUtc);

        // The pipeline's parent is the CreateProject call's span, and rendering happened inside that call.
        var call = Assert.Single(trace, s => s.SpanId == pipeline.ParentSpanId);
        Assert.Contains(trace, s => s.OperationName == "render " + LifecycleChart.Name && s.ParentSpanId == call.SpanId);
        Assert.Contains(trace, s => s.OperationName == "graph");
        Assert.Contains(trace, s => s.OperationName == "store transaction" && s.ParentSpanId == call.SpanId);
    }

    [Fact]
    public async Task TheExecProvisioner_PassesTraceparent_FromThePipelinesTrace()
    {
        var work = Directory.CreateTempSubdirectory("infragrpc-traceparent-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(work, "record.sh"), $"printf '%s\\n' \"$TRACEPARENT\" >> {work}/$INFRA_RESOURCE_NAME.$INFRA_OPERATION\n");
            await using var host = await ServerHost.StartAsync(
                null, "--InfraGrpc:Exec:Routes:0:Kinds=Thing", "--InfraGrpc:Exec:Routes:0:Command=/bin/bash", $"--InfraGrpc:Exec:Routes:0:Arguments:0={Path.Combine(work, "record.sh")}");
            var api = new Clients(host.Channel);
            await api.Charts.PublishChartAsync(new Proto.PublishChartRequest { Files = LifecycleChart.Files() });
            var created = await api.Projects.CreateProjectAsync(LifecycleChart.CreateIn("acme", "exec-traced", "dev", "a"));
            var done = await api.WaitAsync(created.Pipeline.Id);

            Assert.Equal(Proto.PipelineResult.Succeeded, done.Result);
            var apply = (await File.ReadAllTextAsync(Path.Combine(work, "a.apply"))).Trim();
            var refresh = (await File.ReadAllTextAsync(Path.Combine(work, "a.refresh"))).Trim();
            Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$", apply);
            Assert.Equal(done.TraceId, apply.Split('-')[1]);
            Assert.Equal(done.TraceId, refresh.Split('-')[1]);
            Assert.NotEqual(apply.Split('-')[2], refresh.Split('-')[2]);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [Fact]
    public async Task Metrics_AfterTwoSucceeded_OneFailed_AndThreeWatchers_AreScrapedFromSlashMetrics()
    {
        var data = Directory.CreateTempSubdirectory("infragrpc-metrics-").FullName;
        using var server = await ServerProcess.StartAsync(data, "--InfraGrpc:Simulated:Latency=00:00:00");
        using var http = new HttpClient { BaseAddress = server.HttpAddress };
        try
        {
            var api = new Clients(server.Channel);
            await api.Charts.PublishChartAsync(new Proto.PublishChartRequest { Files = GraphChart.Files() });
            foreach (var (name, sets) in new[] { ("ok-1", Array.Empty<string>()), ("ok-2", []), ("broken", ["failOn=c"]) })
            {
                await api.WaitAsync((await api.CreateAsync(name, GraphChart.Name, "dev", sets)).Pipeline.Id);
            }

            // A fourth pipeline waits at its gate while three watchers follow it.
            var gated = await api.CreateAsync("gated", GraphChart.Name, "dev", "gateOn=a");
            await api.WatchUntilAsync(gated.Pipeline.Id, e =>
                e.NodeChanged?.StackJob?.Status == Proto.PipelineStatus.AwaitingApproval
                || e.Snapshot?.Nodes.Any(n => n.StackJob?.Status == Proto.PipelineStatus.AwaitingApproval) == true);
            using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var watchers = Enumerable.Range(0, 3).Select(_ => api.Pipelines.WatchPipeline(new Proto.WatchPipelineRequest { PipelineId = gated.Pipeline.Id }, cancellationToken: cancel.Token)).ToList();
            foreach (var watcher in watchers)
            {
                Assert.True(await watcher.ResponseStream.MoveNext(cancel.Token)); // the snapshot: the stream is open on the server
            }

            // One webhook delivery without its headers: refused, and counted.
            using (var refused = await http.PostAsync("/webhooks/github", new StringContent("{}")))
            {
                Assert.Equal(System.Net.HttpStatusCode.BadRequest, refused.StatusCode);
            }

            var text = await http.GetStringAsync("/metrics");
            var samples = Parse(text);
            Assert.Equal(2, samples[("infragrpc_pipelines_completed_total", "operation=deploy,result=succeeded")]);
            Assert.Equal(1, samples[("infragrpc_pipelines_completed_total", "operation=deploy,result=failed")]);
            Assert.Equal(4, samples[("infragrpc_pipelines_started_total", "operation=deploy")]);
            Assert.Equal(2, samples[("infragrpc_pipeline_duration_seconds_count", "operation=deploy,result=succeeded")]);
            Assert.Equal(1, samples[("infragrpc_pipeline_duration_seconds_count", "operation=deploy,result=failed")]);
            Assert.Equal(3, samples[("infragrpc_watch_streams", string.Empty)]);
            Assert.Equal(1, samples[("infragrpc_stack_jobs_running", string.Empty)]); // the gated node waits for its approval
            Assert.True(samples[("infragrpc_stack_job_duration_seconds_count", "action=apply,result=succeeded")] >= 8 + 8 + 2);
            Assert.True(samples[("infragrpc_pipeline_events_total", string.Empty)] > 0);
            Assert.True(samples[("infragrpc_store_operation_duration_seconds_count", "kind=transaction")] > 0);
            Assert.True(samples[("infragrpc_render_duration_seconds_count", string.Empty)] >= 4);
            Assert.Equal(1, samples[("infragrpc_webhook_deliveries_total", "provider=github,result=bad_request")]);
            Assert.Equal(0, samples[("infragrpc_pipelines_queued", string.Empty)]);
            Assert.Contains(samples.Keys, k => k.Name.StartsWith("process_", StringComparison.Ordinal));
            Assert.Contains(samples.Keys, k => k.Name.StartsWith("dotnet_", StringComparison.Ordinal));

            // Every metric the Grafana dashboard queries is exported.
            var dashboard = await File.ReadAllTextAsync(Path.Combine(ServerHost.RepositoryRoot, "deploy", "grafana", "infragrpc-dashboard.json"));
            var names = samples.Keys.Select(k => k.Name).ToHashSet();
            var queried = JsonDocument.Parse(dashboard).RootElement.GetProperty("panels").EnumerateArray()
                .SelectMany(p => p.GetProperty("targets").EnumerateArray()).Select(t => t.GetProperty("expr").GetString()!)
                .SelectMany(e => MetricName().Matches(e).Select(m => m.Value)).Distinct().ToList();
            Assert.NotEmpty(queried);
            Assert.All(queried, q => Assert.Contains(q, names));

            Assert.Equal("Healthy", await http.GetStringAsync("/healthz"));
            Assert.Equal("Healthy", await http.GetStringAsync("/readyz"));
            foreach (var watcher in watchers)
            {
                watcher.Dispose();
            }
        }
        finally
        {
            await server.KillAsync();
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task JsonLogs_ParseAndCarryTraceIds_AndNeverASecret()
    {
        var data = Directory.CreateTempSubdirectory("infragrpc-jsonlogs-").FullName;
        var marker = "marker-" + Guid.NewGuid().ToString("N");
        // Request logs are off by default (HostingExtensions); an operator who turns them on gets them traced.
        using var server = await ServerProcess.StartAsync(data, "--Logging:Console:FormatterName=json", "--Logging:LogLevel:Microsoft.AspNetCore=Information", "--InfraGrpc:Simulated:Latency=00:00:00");
        try
        {
            var api = new Clients(server.Channel);
            await api.Charts.PublishChartAsync(new Proto.PublishChartRequest { Files = SensitiveChart() });
            var created = await api.Projects.CreateProjectAsync(new Proto.CreateProjectRequest
            {
                Name = "logged",
                Org = "acme",
                Env = "dev",
                Chart = new Proto.ChartReference { Name = "sensitive-log-test" },
                Values = new Proto.ValuesInput { Set = { "password=" + marker } },
            });
            var done = await api.WaitAsync(created.Pipeline.Id);

            var lines = server.RecentLog.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith('{')).ToList();
            Assert.NotEmpty(lines);
            var parsed = lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
            Assert.All(parsed, p => Assert.True(p.TryGetProperty("LogLevel", out _) && p.TryGetProperty("Message", out _)));
            var traced = parsed.Where(p => p.TryGetProperty("Scopes", out var scopes) && scopes.EnumerateArray().Any(s => s.ValueKind == JsonValueKind.Object && s.TryGetProperty("TraceId", out _))).ToList();
            Assert.NotEmpty(traced);
            Assert.Equal(Proto.PipelineResult.Succeeded, done.Result);
            Assert.DoesNotContain(marker, server.RecentLog, StringComparison.Ordinal);
        }
        finally
        {
            await server.KillAsync();
            Directory.Delete(data, recursive: true);
        }
    }

    private static Proto.ChartFiles SensitiveChart()
    {
        var files = new Proto.ChartFiles();
        files.Files.Add(Charts.File("Chart.yaml", "apiVersion: infragrpc.dev/v1\nkind: InfraChart\nmetadata: {name: sensitive-log-test}\nspec: {version: 1.0.0}\n"));
        files.Files.Add(Charts.File("values.yaml", "params:\n  - {name: password, required: true, sensitive: true}\n"));
        files.Files.Add(Charts.File("templates/db.yaml", "apiVersion: test.infragrpc.dev/v1\nkind: Database\nmetadata: {name: db}\nspec:\n  password: {{values.password}}\n"));
        return files;
    }

    private static string? Tag(Activity activity, string name) => activity.GetTagItem(name) switch
    {
        null => null,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        var v => v.ToString(),
    };

    // The Prometheus text format: `name{a="x",b="y"} value`; labels sorted, otel_scope_* labels dropped.
    private static Dictionary<(string Name, string Labels), double> Parse(string exposition)
    {
        var samples = new Dictionary<(string, string), double>();
        foreach (var line in exposition.Split('\n'))
        {
            if (SampleLine().Match(line) is not { Success: true } m)
            {
                continue;
            }

            var labels = LabelPair().Matches(m.Groups["labels"].Value)
                .Select(l => (l.Groups[1].Value, l.Groups[2].Value))
                .Where(l => !l.Item1.StartsWith("otel_scope", StringComparison.Ordinal))
                .OrderBy(l => l.Item1, StringComparer.Ordinal)
                .Select(l => $"{l.Item1}={l.Item2}");
            var key = (m.Groups["name"].Value, string.Join(',', labels));
            samples[key] = samples.GetValueOrDefault(key) + double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture);
        }

        return samples;
    }

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>[^}]*)\})? (?<value>[-+0-9.eE]+|NaN|\+Inf)( \d+)?$")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)=""((?:[^""\\]|\\.)*)""")]
    private static partial Regex LabelPair();

    [GeneratedRegex(@"\binfragrpc_[a-z_]+")]
    private static partial Regex MetricName();
}
