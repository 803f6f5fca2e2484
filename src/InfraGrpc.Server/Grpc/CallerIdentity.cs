using Grpc.Core;

namespace InfraGrpc.Server.Grpc;

/// <summary>Who is calling. Until authentication exists every caller is <c>anonymous</c>.</summary>
internal static class CallerIdentity
{
    public const string Anonymous = "anonymous";

    public static string Actor(ServerCallContext context) =>
        context.GetHttpContext().User.Identity is { IsAuthenticated: true, Name: { Length: > 0 } name } ? name : Anonymous;
}
