using System.Security.Cryptography;
using System.Text;
using Grpc.Core;
using Grpc.Core.Interceptors;
using InfraGrpc.Server.Hosting;
using Microsoft.Extensions.Options;

namespace InfraGrpc.Server.Grpc;

/// <summary>
/// Names the caller from a bearer token (<c>authorization: Bearer …</c>) configured under
/// <c>InfraGrpc:Tokens:&lt;actor&gt;</c>. Tokens are compared in constant time (over their SHA-256, so
/// lengths leak nothing either) and never logged. No token means <c>anonymous</c>; a wrong token is
/// UNAUTHENTICATED.
/// </summary>
internal sealed class IdentityInterceptor(IOptions<InfraGrpcOptions> options) : Interceptor
{
    public const string ActorKey = "infragrpc.actor";

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Identify(context);
        return continuation(request, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Identify(context);
        return continuation(request, responseStream, context);
    }

    private void Identify(ServerCallContext context)
    {
        var header = context.RequestHeaders.GetValue("authorization");
        if (string.IsNullOrEmpty(header))
        {
            context.UserState[ActorKey] = CallerIdentity.Anonymous;
            return;
        }

        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, "authorization must be 'Bearer <token>'"));
        }

        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(header[7..].Trim()));
        string? actor = null;
        foreach (var (name, token) in options.Value.Tokens)
        {
            // Every configured token is compared, match or not, so timing does not tell which matched.
            if (CryptographicOperations.FixedTimeEquals(presented, SHA256.HashData(Encoding.UTF8.GetBytes(token))))
            {
                actor = name;
            }
        }

        context.UserState[ActorKey] = actor ?? throw new RpcException(new Status(StatusCode.Unauthenticated, "the bearer token is not valid"));
    }
}
