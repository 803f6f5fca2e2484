namespace InfraGrpc.Server.Logging;

/// <summary>Every log message of the server, with stable event ids. Nothing sensitive is logged.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "InfraGrpc listening: gRPC on {GrpcUri}, HTTP/1.1 on {HttpUri}, data in {DataDirectory}")]
    public static partial void Listening(ILogger logger, Uri grpcUri, Uri httpUri, string dataDirectory);

    [LoggerMessage(2, LogLevel.Information, "InfraGrpc stopping")]
    public static partial void Stopping(ILogger logger);

    [LoggerMessage(10, LogLevel.Error, "Unhandled error in {Method}")]
    public static partial void UnhandledError(ILogger logger, string method, Exception exception);

    [LoggerMessage(51, LogLevel.Warning, "{Method} answered UNAVAILABLE: the database cannot be reached ({ExceptionType})")]
    public static partial void StoreUnreachable(ILogger logger, string method, string exceptionType);

    [LoggerMessage(11, LogLevel.Debug, "{Method} failed with {Reason}")]
    public static partial void DomainError(ILogger logger, string method, string reason);

    [LoggerMessage(12, LogLevel.Critical, "The store failed fatally; the server stops (exit code 70) so that its supervisor restarts it on a freshly opened store")]
    public static partial void StoreFailed(ILogger logger, Exception exception);

    [LoggerMessage(30, LogLevel.Error, "Storing pipeline changes failed; the next batch will retry with the latest state")]
    public static partial void PersistFailed(ILogger logger, Exception exception);

    [LoggerMessage(31, LogLevel.Error, "A pipeline failed with an unexpected error; it was completed as FAILED")]
    public static partial void PipelineCrashed(ILogger logger, Exception exception);

    [LoggerMessage(40, LogLevel.Warning, "Rejected a {Provider} webhook delivery {Delivery}: the signature does not verify for {Projects}")]
    public static partial void WebhookRejected(ILogger logger, string provider, string delivery, string projects);

    [LoggerMessage(41, LogLevel.Warning, "A {Provider} webhook delivery {Delivery} could not act on {Project}: {Problem}")]
    public static partial void WebhookProjectFailed(ILogger logger, string provider, string delivery, string project, string problem);

    [LoggerMessage(20, LogLevel.Information, "Built-in chart {Chart}@{Version}: {Outcome}")]
    public static partial void BuiltInChart(ILogger logger, string chart, string version, string outcome);

    [LoggerMessage(21, LogLevel.Warning, "Built-in chart in {Directory} was not loaded: {Problem}")]
    public static partial void BuiltInChartRejected(ILogger logger, string directory, string problem);

    [LoggerMessage(50, LogLevel.Error, "The audit trail could not record {What}: {Error}")]
    public static partial void AuditFailed(ILogger logger, string what, string error);
}
