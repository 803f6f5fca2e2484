using InfraGrpc.Domain.Charts;
using InfraGrpc.Domain.Graph;
using InfraGrpc.Domain.Resources;

namespace InfraGrpc.Domain.Rendering;

/// <summary>The outcome of a render: validated manifests, their graph, and the values used.</summary>
public sealed record RenderResult(
    IReadOnlyList<CloudResource> Resources,
    ResourceGraph Graph,
    ResolvedValues Values,
    IReadOnlyList<RenderDiagnostic> Diagnostics);

/// <summary>A non-blocking finding of a render (errors are thrown as validation failures instead).</summary>
public sealed record RenderDiagnostic(string Code, string Message, string? File);
