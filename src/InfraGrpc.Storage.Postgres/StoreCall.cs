using System.Diagnostics;
using InfraGrpc.Domain.Telemetry;

namespace InfraGrpc.Storage.Postgres;

/// <summary>
/// One store call's telemetry, as the embedded store reports it: its duration by kind, and a span when the call
/// serves an RPC (inside pipelines the stack job and operation spans say enough).
/// </summary>
internal readonly struct StoreCall : IDisposable
{
    public static readonly KeyValuePair<string, object?> Read = new("kind", "read");
    public static readonly KeyValuePair<string, object?> Transaction = new("kind", "transaction");

    private readonly long _started;
    private readonly KeyValuePair<string, object?> _kind;
    private readonly Activity? _span;

    private StoreCall(KeyValuePair<string, object?> kind)
    {
        (_started, _kind) = (Stopwatch.GetTimestamp(), kind);
        _span = Activity.Current?.Source.Name == "Microsoft.AspNetCore" ? InfraTelemetry.Source.StartActivity("store " + kind.Value) : null;
    }

    public static StoreCall Begin(KeyValuePair<string, object?> kind) => new(kind);

    public void Dispose()
    {
        if (_started == 0)
        {
            return;
        }

        _span?.Dispose();
        InfraTelemetry.StoreDuration.Record(InfraTelemetry.Since(_started), _kind);
    }
}
