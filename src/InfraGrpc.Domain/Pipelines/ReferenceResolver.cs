using InfraGrpc.Domain.Resources;
using InfraGrpc.Domain.Values;

namespace InfraGrpc.Domain.Pipelines;

/// <summary>What a reference can read of a producer: its outputs, metadata and spec.</summary>
public sealed record ProducerView(IReadOnlyDictionary<string, object?> Outputs, IReadOnlyDictionary<string, object?> Metadata, IReadOnlyDictionary<string, object?> Spec)
{
    public IReadOnlyDictionary<string, object?> Root => new Dictionary<string, object?>
    {
        ["status"] = new Dictionary<string, object?> { ["outputs"] = Outputs },
        ["metadata"] = Metadata,
        ["spec"] = Spec,
    };
}

/// <summary>Replaces every <c>valueFrom</c> under a manifest's spec with the value it points at, just before the node runs.</summary>
public static class ReferenceResolver
{
    /// <summary>Returns the manifest with references resolved, or the problems that prevent it.</summary>
    public static (IReadOnlyDictionary<string, object?> Manifest, IReadOnlyList<string> Problems) Resolve(
        CloudResource resource, Func<ValueReference, ProducerView?> lookup)
    {
        var problems = new List<string>();
        var document = (Dictionary<string, object?>)ValueTree.Clone(resource.Document)!;
        foreach (var reference in resource.References)
        {
            var producer = lookup(reference);
            object? value = null;
            if (producer is null)
            {
                problems.Add($"{reference.Location}: {reference.Target}{(reference.Env is null ? string.Empty : " in env " + reference.Env)} is not deployed");
            }
            else if (!reference.FieldPath.TryRead(producer.Root, out value))
            {
                problems.Add($"{reference.Location}: {reference.Target} has no {reference.FieldPath}");
            }

            Set(document, reference.Location, value);
        }

        return (document, problems);
    }

    private static void Set(Dictionary<string, object?> document, string location, object? value)
    {
        // Locations look like spec.a.b[0].c: walk to the parent, then replace the reference object.
        var path = FieldPath.TryParse(location, out _) ?? throw new InvalidOperationException("bad reference location " + location);
        object? node = document;
        for (var i = 0; i < path.Segments.Count - 1; i++)
        {
            node = (path.Segments[i], node) switch
            {
                (string key, Dictionary<string, object?> map) => map[key],
                (int index, List<object?> list) => list[index],
                _ => throw new InvalidOperationException("bad reference location " + location),
            };
        }

        switch (path.Segments[^1], node)
        {
            case (string key, Dictionary<string, object?> map):
                map[key] = ValueTree.Clone(value);
                break;
            case (int index, List<object?> list):
                list[index] = ValueTree.Clone(value);
                break;
        }
    }
}
