using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Grpc.Core.Interceptors;
using InfraGrpc.Domain.Errors;
using InfraGrpc.Server.Logging;
using Status = Google.Rpc.Status;

namespace InfraGrpc.Server.Grpc;

/// <summary>
/// The one place where Domain outcomes become gRPC statuses with <c>google.rpc</c> details: BadRequest
/// field violations for bad input, ErrorInfo for everything, PreconditionFailure for preconditions.
/// Anything that is not a Domain outcome is a bug: INTERNAL, with the exception text only in Development.
/// </summary>
internal sealed class ErrorMappingInterceptor(ILogger<ErrorMappingInterceptor> logger, IHostEnvironment environment, Hosting.StoreWatchdog watchdog) : Interceptor
{
    public const string ErrorDomain = "infragrpc.dev";

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (Exception e) when (e is not RpcException)
        {
            throw Map(e, context);
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (Exception e) when (e is not RpcException)
        {
            throw Map(e, context);
        }
    }

    /// <summary>
    /// The most characters any one text of an error status carries. Messages often quote the caller's
    /// input, and status and details travel in HTTP/2 trailers, which clients cap (64 KiB in .NET): an
    /// error must never grow past what a client can read, whatever the input was.
    /// </summary>
    public const int MaxErrorText = 400;

    /// <summary>The most field violations one status lists; the message says how many there were.</summary>
    public const int MaxViolations = 20;

    /// <summary>Builds the rich status for a Domain exception.</summary>
    public static Status ToStatus(DomainException exception)
    {
        var (code, details) = exception switch
        {
            ValidationException v => (Code.InvalidArgument, new[] { Any.Pack(ToBadRequest(v.Violations)) }),
            DependencyCycleException c => (Code.InvalidArgument, new[] { Any.Pack(ToBadRequest([new FieldViolation("graph", c.Message)])) }),
            NotFoundException n => (Code.NotFound, new[] { Any.Pack(new ResourceInfo { ResourceType = n.Entity, ResourceName = Clip(n.Id), Description = Clip(n.Message) }) }),
            ConflictException => (Code.AlreadyExists, []),
            PreconditionFailedException p => (Code.FailedPrecondition, new[]
            {
                Any.Pack(new PreconditionFailure { Violations = { new PreconditionFailure.Types.Violation { Type = p.Reason, Description = p.Message } } }),
            }),
            ConcurrencyException => (Code.Aborted, []),
            UnauthenticatedException => (Code.Unauthenticated, []),
            PermissionDeniedException => (Code.PermissionDenied, []),
            OutOfRangeException o => (Code.OutOfRange, new[] { Any.Pack(ToBadRequest([new FieldViolation(o.Field, o.Message)])) }),
            StorageFullException => (Code.ResourceExhausted, []),
            _ => (Code.Internal, []),
        };
        var info = new ErrorInfo { Reason = exception.Reason, Domain = ErrorDomain };
        foreach (var (key, value) in exception.Metadata)
        {
            info.Metadata[Clip(key)] = Clip(value);
        }

        var status = new Status { Code = (int)code, Message = Clip(exception.Message) };
        status.Details.Add(details);
        status.Details.Add(Any.Pack(info));
        return status;
    }

    private static BadRequest ToBadRequest(IEnumerable<FieldViolation> violations)
    {
        var badRequest = new BadRequest();
        badRequest.FieldViolations.Add(violations.Take(MaxViolations).Select(v => new BadRequest.Types.FieldViolation { Field = Clip(v.Field), Description = Clip(v.Description) }));
        return badRequest;
    }

    private static string Clip(string text) => text.Length <= MaxErrorText ? text : string.Concat(text.AsSpan(0, MaxErrorText), $"… ({text.Length} characters)");

    private RpcException Map(Exception exception, ServerCallContext context)
    {
        switch (exception)
        {
            case DomainException domain:
                Log.DomainError(logger, context.Method, domain.Reason);
                return ToStatus(domain).ToRpcException();
            case OperationCanceledException when context.CancellationToken.IsCancellationRequested:
                return new RpcException(new global::Grpc.Core.Status(StatusCode.Cancelled, "the call was cancelled"));
            case var unreachable when Storage.Postgres.PostgresStore.IsUnreachable(unreachable):
                Log.StoreUnreachable(logger, context.Method, unreachable.GetType().Name);
                return new RpcException(new global::Grpc.Core.Status(StatusCode.Unavailable, "the database cannot be reached; retry the call"));
            case var fatal when watchdog.Report(fatal):
                return new RpcException(new global::Grpc.Core.Status(StatusCode.Unavailable, "the store failed; the server is stopping so that its supervisor restarts it"));
            default:
                Log.UnhandledError(logger, context.Method, exception);
                var message = environment.IsDevelopment() ? exception.ToString() : "internal error; the server log has the details";
                return new RpcException(new global::Grpc.Core.Status(StatusCode.Internal, message));
        }
    }
}
