using Grpc.Core;

namespace InfraGrpc.Server.Grpc;

/// <summary>Who is calling, as established by <see cref="IdentityInterceptor"/>; <c>anonymous</c> without a token.</summary>
internal static class CallerIdentity
{
    public const string Anonymous = "anonymous";

    public static string Actor(ServerCallContext context) =>
        context.UserState.TryGetValue(IdentityInterceptor.ActorKey, out var actor) && actor is string name ? name : Anonymous;
}
