using Google.Rpc;
using Grpc.Core;

namespace InfraGrpc.Client;

/// <summary>A gRPC error with its <c>google.rpc</c> details unpacked: the reason, its facts and every field violation.</summary>
public sealed class InfraGrpcException : Exception
{
    public InfraGrpcException()
    {
    }

    public InfraGrpcException(string message)
        : base(message)
    {
    }

    public InfraGrpcException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public StatusCode StatusCode { get; private init; }

    /// <summary>The stable reason of the ErrorInfo detail, e.g. <c>STALE_REVISION</c> or <c>CHART_VERSION_EXISTS</c>.</summary>
    public string? Reason { get; private init; }

    public IReadOnlyDictionary<string, string> Metadata { get; private init; } = new Dictionary<string, string>();

    /// <summary>Every problem with the input, by field (BadRequest detail).</summary>
    public IReadOnlyList<(string Field, string Description)> FieldViolations { get; private init; } = [];

    public static InfraGrpcException From(RpcException exception)
    {
        var status = exception.GetRpcStatus();
        var info = status?.GetDetail<ErrorInfo>();
        return new InfraGrpcException(status?.Message ?? exception.Status.Detail, exception)
        {
            StatusCode = exception.StatusCode,
            Reason = info?.Reason,
            Metadata = info?.Metadata.ToDictionary() ?? new Dictionary<string, string>(),
            FieldViolations = status?.GetDetail<BadRequest>()?.FieldViolations.Select(v => (v.Field, v.Description)).ToList() ?? [],
        };
    }

    /// <summary>Runs a call and turns its RpcException into an InfraGrpcException.</summary>
    public static async Task<T> Wrap<T>(AsyncUnaryCall<T> call)
    {
        ArgumentNullException.ThrowIfNull(call);
        try
        {
            return await call;
        }
        catch (RpcException e)
        {
            throw From(e);
        }
    }
}
