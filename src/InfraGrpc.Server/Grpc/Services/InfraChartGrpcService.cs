using Grpc.Core;
using InfraGrpc.Domain.Charts;
using InfraGrpc.Domain.Paging;
using InfraGrpc.Domain.Rendering;
using InfraGrpc.Server.Grpc.Mapping;
using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Server.Grpc.Services;

/// <summary>The chart catalog over gRPC: validate, map, call <see cref="ChartCatalog"/>, map back.</summary>
internal sealed class InfraChartGrpcService(ChartCatalog catalog, Domain.Projects.ProjectService projects, Domain.Projects.ISecretSealer sealer, PageTokens tokens) : Proto.InfraChartService.InfraChartServiceBase
{
    public override async Task<Proto.PublishChartResponse> PublishChart(Proto.PublishChartRequest request, ServerCallContext context)
    {
        var content = new ChartContent(
            request.ContentCase == Proto.PublishChartRequest.ContentOneofCase.Files ? ChartMapper.ToDomain(request.Files) : null,
            request.ContentCase == Proto.PublishChartRequest.ContentOneofCase.Archive ? request.Archive.ToByteArray() : null,
            request.Name,
            request.Version);
        var (version, alreadyPublished) = await catalog.PublishAsync(content, CallerIdentity.Actor(context), cancellationToken: context.CancellationToken);
        return new Proto.PublishChartResponse { Chart = ChartMapper.ToProto(version, withFiles: false), AlreadyPublished = alreadyPublished };
    }

    public override async Task<Proto.GetChartResponse> GetChart(Proto.GetChartRequest request, ServerCallContext context)
    {
        var version = await catalog.GetAsync(request.Name, request.Version, context.CancellationToken);
        return new Proto.GetChartResponse { Chart = ChartMapper.ToProto(version, withFiles: true) };
    }

    public override async Task<Proto.ListChartsResponse> ListCharts(Proto.ListChartsRequest request, ServerCallContext context)
    {
        var scope = PageTokens.Scope("charts", request.Filter);
        var page = await catalog.ListAsync(request.Filter, tokens.Request(request.PageSize, request.PageToken, scope), context.CancellationToken);
        var response = new Proto.ListChartsResponse { NextPageToken = tokens.Write(scope, page.NextKey) ?? string.Empty };
        response.Charts.Add(page.Items.Select(ChartMapper.ToProto));
        return response;
    }

    public override async Task<Proto.ListChartVersionsResponse> ListChartVersions(Proto.ListChartVersionsRequest request, ServerCallContext context)
    {
        var scope = PageTokens.Scope("chart-versions", request.Name);
        var page = await catalog.ListVersionsAsync(request.Name, tokens.Request(request.PageSize, request.PageToken, scope), context.CancellationToken);
        var response = new Proto.ListChartVersionsResponse { NextPageToken = tokens.Write(scope, page.NextKey) ?? string.Empty };
        response.Versions.Add(page.Items.Select(ChartMapper.ToProto));
        return response;
    }

    public override async Task<Proto.DeleteChartVersionResponse> DeleteChartVersion(Proto.DeleteChartVersionRequest request, ServerCallContext context)
    {
        await catalog.DeleteVersionAsync(request.Name, request.Version, context.CancellationToken);
        return new Proto.DeleteChartVersionResponse { ProjectsUsingVersion = await projects.CountOnChartVersionAsync(request.Name, request.Version, context.CancellationToken) };
    }

    public override async Task<Proto.RenderChartResponse> RenderChart(Proto.RenderChartRequest request, ServerCallContext context)
    {
        var (layers, sets) = ChartMapper.ToDomain(request.Values);
        var input = new RenderInput(
            layers,
            sets,
            string.IsNullOrEmpty(request.ProjectName) ? "preview" : request.ProjectName,
            string.IsNullOrEmpty(request.Org) ? "default" : request.Org,
            string.IsNullOrEmpty(request.Env) ? "default" : request.Env);
        var inline = request.ChartCase == Proto.RenderChartRequest.ChartOneofCase.Files
            ? new ChartContent(ChartMapper.ToDomain(request.Files), null, request.InlineName, request.InlineVersion)
            : null;
        var (chart, result) = await catalog.RenderAsync(inline, request.Reference?.Name, request.Reference?.Version, input, context.CancellationToken);

        // Sensitive values never come back, not even to the caller who sent them: the manifests show placeholders.
        if (Domain.Projects.SensitiveValues.Of(chart, result) is { Count: > 0 } secrets)
        {
            var masked = await catalog.RenderAsync(inline, request.Reference?.Name, request.Reference?.Version, Domain.Projects.SensitiveValues.Masked(input, secrets), context.CancellationToken);
            result = masked.Result with
            {
                Values = new Domain.Charts.ResolvedValues(
                    Domain.Projects.SensitiveValues.Mask(result.Values.Supplied, secrets, sealer), Domain.Projects.SensitiveValues.Mask(result.Values.Resolved, secrets, sealer)),
            };
        }

        var response = new Proto.RenderChartResponse
        {
            Graph = ResourceMapper.ToProto(result.Graph),
            ResolvedValues = ValueMapper.ToStruct(result.Values.Resolved),
            ChartName = chart.Name,
            ChartVersion = chart.Version,
            ChartDigest = chart.Digest,
        };
        response.Resources.Add(result.Resources.Select(ResourceMapper.ToProto));
        response.Diagnostics.Add(result.Diagnostics.Select(ResourceMapper.ToProto));
        return response;
    }
}
