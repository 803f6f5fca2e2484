using Grpc.Core;
using InfraGrpc.Domain.Access;
using InfraGrpc.Server.Access;

namespace InfraGrpc.Server.Grpc;

/// <summary>Who is calling, as <see cref="AccessInterceptor"/> established it: the actor of every change, never a request field.</summary>
internal static class CallerIdentity
{
    public const string Anonymous = "anonymous";

    public static Identity Of(ServerCallContext context) =>
        context.UserState.TryGetValue(AccessInterceptor.IdentityKey, out var identity) && identity is Identity known ? known : Identity.Anonymous;

    public static string Actor(ServerCallContext context) => Of(context).Name;

    public static Grants Grants(ServerCallContext context) =>
        context.UserState.TryGetValue(AccessInterceptor.GrantsKey, out var grants) && grants is Grants known ? known : new Grants(new Dictionary<string, Role>());
}
