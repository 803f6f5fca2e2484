using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Reflection.V1Alpha;
using InfraGrpc.Server.Hosting;

namespace InfraGrpc.Server.Tests;

public sealed class ServerInfrastructureTests(ServerFixture server) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Reflection_ListsTheThreeServices()
    {
        var client = new ServerReflection.ServerReflectionClient(server.Channel);
        using var call = client.ServerReflectionInfo();

        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = string.Empty });
        await call.RequestStream.CompleteAsync();
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));

        var services = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();
        Assert.Contains("infragrpc.v1.InfraChartService", services);
        Assert.Contains("infragrpc.v1.InfraProjectService", services);
        Assert.Contains("infragrpc.v1.PipelineService", services);
        Assert.Contains("grpc.health.v1.Health", services);
    }

    [Fact]
    public async Task Health_Check_AnswersServing()
    {
        var response = await new Health.HealthClient(server.Channel).CheckAsync(new HealthCheckRequest());

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, response.Status);
    }

    [Fact]
    public async Task HttpListener_ServesHttp11()
    {
        using var http = new HttpClient { DefaultRequestVersion = System.Net.HttpVersion.Version11 };

        using var response = await http.GetAsync(server.Host.HttpAddress);

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(new Version(1, 1), response.Version);
    }

    [Fact]
    [Trait("store", "litedb")]
    public async Task SecondServer_OnTheSameDataDirectory_IsRefused()
    {
        var error = await Assert.ThrowsAsync<StartupException>(() => ServerHost.StartAsync(server.Host.DataDirectory));

        Assert.Contains(server.Host.DataDirectory, error.Message, StringComparison.Ordinal);
        Assert.Contains("in use", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadListenerSetting_StopsTheStartWithAClearMessage()
    {
        var error = await Assert.ThrowsAsync<StartupException>(() => ServerHost.StartAsync(null, "--InfraGrpc:GrpcUrl=ftp://nowhere"));

        Assert.Contains("InfraGrpc:GrpcUrl", error.Message, StringComparison.Ordinal);
    }
}
