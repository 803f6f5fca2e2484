using Google.Rpc;
using Grpc.Core;

namespace InfraGrpc.Server.Tests;

/// <summary>Assertions on gRPC errors and their google.rpc details.</summary>
public static class RpcAssert
{
    public static async Task<RpcException> ThrowsAsync(StatusCode code, Func<Task> call)
    {
        var error = await Assert.ThrowsAsync<RpcException>(call);
        Assert.True(error.StatusCode == code, $"expected {code}, got {error.StatusCode}: {error.Status.Detail}");
        return error;
    }

    public static async Task<IReadOnlyList<BadRequest.Types.FieldViolation>> InvalidArgumentAsync(Func<Task> call)
    {
        var error = await ThrowsAsync(StatusCode.InvalidArgument, call);
        var badRequest = error.GetRpcStatus()?.GetDetail<BadRequest>();
        Assert.NotNull(badRequest);
        Assert.NotEmpty(badRequest.FieldViolations);
        return badRequest.FieldViolations;
    }

    public static ErrorInfo Info(RpcException error) =>
        error.GetRpcStatus()?.GetDetail<ErrorInfo>() ?? throw new Xunit.Sdk.XunitException("no ErrorInfo detail in " + error.Status);
}
