using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace InfraGrpc.Domain.Telemetry;

/// <summary>
/// The server's own traces and metrics, through the BCL's <see cref="ActivitySource"/> and <see cref="Meter"/>
/// (OpenTelemetry in the host subscribes to both by <see cref="Name"/>). Metric names follow the
/// OpenTelemetry conventions: dotted, units in UCUM; Prometheus sees them as <c>infragrpc_…</c>.
/// </summary>
public static class InfraTelemetry
{
    public const string Name = "InfraGrpc";

    public static readonly ActivitySource Source = new(Name, typeof(InfraTelemetry).Assembly.GetName().Version?.ToString());

    public static readonly Meter Meter = new(Name, typeof(InfraTelemetry).Assembly.GetName().Version?.ToString());

    public static readonly Counter<long> PipelinesStarted = Meter.CreateCounter<long>("infragrpc.pipelines.started", "{pipeline}", "Pipelines that began to run, by operation");

    public static readonly Counter<long> PipelinesCompleted = Meter.CreateCounter<long>("infragrpc.pipelines.completed", "{pipeline}", "Pipelines that completed, by operation and result");

    public static readonly Histogram<double> PipelineDuration = Meter.CreateHistogram<double>("infragrpc.pipeline.duration", "s", "From start to completion, by operation and result");

    public static readonly Histogram<double> StackJobDuration = Meter.CreateHistogram<double>("infragrpc.stack_job.duration", "s", "One resource's stack job, by operation kind and result");

    public static readonly UpDownCounter<long> StackJobsRunning = Meter.CreateUpDownCounter<long>("infragrpc.stack_jobs.running", "{job}", "Stack jobs running now");

    public static readonly UpDownCounter<long> WatchStreams = Meter.CreateUpDownCounter<long>("infragrpc.watch.streams", "{stream}", "Open WatchPipeline streams");

    public static readonly Counter<long> EventsPublished = Meter.CreateCounter<long>("infragrpc.pipeline.events", "{event}", "Pipeline events published to watchers");

    public static readonly Histogram<double> StoreDuration = Meter.CreateHistogram<double>("infragrpc.store.operation.duration", "s", "Store calls (reads and transactions), by kind");

    public static readonly Histogram<double> RenderDuration = Meter.CreateHistogram<double>("infragrpc.render.duration", "s", "Rendering a chart into manifests and their graph");

    public static readonly Counter<long> WebhookDeliveries = Meter.CreateCounter<long>("infragrpc.webhook.deliveries", "{delivery}", "Webhook deliveries, by result");

    private static readonly ConditionalWeakTable<object, Func<int>> QueueSources = [];

    /// <summary>Pipelines queued behind another pipeline of their project, summed over the engines of this process.</summary>
    public static readonly ObservableGauge<int> PipelinesQueued = Meter.CreateObservableGauge("infragrpc.pipelines.queued", ObserveQueues, "{pipeline}", "Pipelines waiting for their turn");

    /// <summary>Lets <paramref name="owner"/> report its queue depth for as long as it lives.</summary>
    public static void ReportQueue(object owner, Func<int> depth) => QueueSources.AddOrUpdate(owner, depth);

    private static int ObserveQueues()
    {
        var total = 0;
        foreach (var (_, depth) in QueueSources)
        {
            total += depth();
        }

        return total;
    }

    /// <summary>Counts a completed pipeline and its duration (from its start, or its creation if it never ran).</summary>
    public static void RecordCompleted(Pipelines.Pipeline pipeline)
    {
        var tags = new TagList { { "operation", pipeline.Operation.ToString().ToLowerInvariant() }, { "result", pipeline.Result.ToString().ToLowerInvariant() } };
        PipelinesCompleted.Add(1, tags);
        var end = pipeline.EndedAt ?? pipeline.CreatedAt;
        PipelineDuration.Record(Math.Max(0, (end - (pipeline.StartedAt ?? pipeline.CreatedAt)).TotalSeconds), tags);
    }

    /// <summary>Seconds since <paramref name="startTimestamp"/> (a <see cref="Stopwatch.GetTimestamp"/> value).</summary>
    public static double Since(long startTimestamp) => Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds;

    /// <summary>The W3C <c>traceparent</c> of <paramref name="activity"/>, or null.</summary>
    public static string? TraceParent(Activity? activity) =>
        activity is null ? null : $"00-{activity.TraceId.ToHexString()}-{activity.SpanId.ToHexString()}-{(activity.Recorded ? "01" : "00")}";

    /// <summary>
    /// The trace a new pipeline joins: the caller's (the RPC or webhook that started it), or a new one. The
    /// parent span id is empty for a new trace.
    /// </summary>
    public static (string TraceId, string? ParentSpanId) NewPipelineTrace() =>
        Activity.Current is { } current && current.TraceId != default
            ? (current.TraceId.ToHexString(), current.SpanId.ToHexString())
            : (ActivityTraceId.CreateRandom().ToHexString(), null);

    /// <summary>The parent context that puts a pipeline's span in its stored trace.</summary>
    public static ActivityContext PipelineParent(string? traceId, string? parentSpanId)
    {
        if (traceId is not { Length: 32 })
        {
            return default;
        }

        var span = parentSpanId is { Length: 16 } ? ActivitySpanId.CreateFromString(parentSpanId) : default;
        return new ActivityContext(ActivityTraceId.CreateFromString(traceId), span, ActivityTraceFlags.Recorded, isRemote: true);
    }
}
