using InfraGrpc.Domain.Graph;
using InfraGrpc.Domain.Rendering;
using InfraGrpc.Domain.Resources;
using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Server.Grpc.Mapping;

/// <summary>Maps manifests, graphs and diagnostics to the contract.</summary>
internal static class ResourceMapper
{
    public static Proto.CloudResource ToProto(CloudResource resource)
    {
        var metadata = new Proto.CloudResourceMetadata
        {
            Name = resource.Metadata.Name,
            Env = resource.Metadata.Env ?? string.Empty,
            Group = resource.Metadata.Group ?? string.Empty,
        };
        metadata.Labels.Add(resource.Metadata.Labels.ToDictionary());
        metadata.Annotations.Add(resource.Metadata.Annotations.ToDictionary());
        metadata.Relationships.Add(resource.Metadata.Relationships.Select(r => new Proto.ResourceRelationship
        {
            Kind = r.Target.Kind,
            Name = r.Target.Name,
            Type = ToProto(r.Type),
        }));
        return new Proto.CloudResource
        {
            ApiVersion = resource.ApiVersion,
            Kind = resource.Kind,
            Metadata = metadata,
            Spec = ValueMapper.ToStruct(resource.Spec),
            SourceFile = resource.SourceFile,
            Yaml = resource.Yaml,
        };
    }

    public static Proto.ResourceGraph ToProto(ResourceGraph graph)
    {
        var result = new Proto.ResourceGraph();
        result.Nodes.Add(graph.Nodes.Select(n =>
        {
            var node = new Proto.GraphNode
            {
                Key = n.Key.ToString(),
                Resource = ToProto(n.Key),
                Group = n.Group ?? string.Empty,
                RequiresApproval = n.RequiresApproval,
            };
            node.Producers.Add(n.Producers.Select(p => p.ToString()));
            node.Consumers.Add(n.Consumers.Select(c => c.ToString()));
            return node;
        }));
        result.Edges.Add(graph.Edges.Select(e => new Proto.GraphEdge
        {
            From = e.From.ToString(),
            To = e.To.ToString(),
            Kind = e.Kind == EdgeKind.Reference ? Proto.EdgeKind.Reference : Proto.EdgeKind.Relationship,
            FieldPath = e.FieldPath ?? string.Empty,
            RelationshipType = e.RelationshipType is { } type ? ToProto(type) : Proto.RelationshipType.Unspecified,
        }));
        result.TopologicalOrder.Add(graph.TopologicalOrder.Select(k => k.ToString()));
        result.Layers.Add(graph.Layers.Select(layer =>
        {
            var protoLayer = new Proto.GraphLayer();
            protoLayer.Keys.Add(layer.Select(k => k.ToString()));
            return protoLayer;
        }));
        result.ExternalReferences.Add(graph.ExternalReferences.Select(r => new Proto.ExternalReference
        {
            From = r.From.ToString(),
            Target = new Proto.ResourceRef { Kind = r.Target.Kind, Name = r.Target.Name, Env = r.Env ?? string.Empty },
            FieldPath = r.FieldPath,
        }));
        return result;
    }

    public static Proto.Diagnostic ToProto(RenderDiagnostic diagnostic) => new()
    {
        Severity = Proto.DiagnosticSeverity.Warning,
        Code = diagnostic.Code,
        Message = diagnostic.Message,
        File = diagnostic.File ?? string.Empty,
    };

    public static Proto.ResourceRef ToProto(ResourceKey key) => new() { Kind = key.Kind, Name = key.Name };

    private static Proto.RelationshipType ToProto(RelationshipType type) => type switch
    {
        RelationshipType.Uses => Proto.RelationshipType.Uses,
        RelationshipType.RunsOn => Proto.RelationshipType.RunsOn,
        RelationshipType.ManagedBy => Proto.RelationshipType.ManagedBy,
        _ => Proto.RelationshipType.DependsOn,
    };
}
