using DiffPlex.Renderer;
using InfraGrpc.Domain.Resources;
using InfraGrpc.Domain.Values;

namespace InfraGrpc.Domain.Projects;

/// <summary>Compares two rendered revisions: resolved values by key, chart version, and a unified diff per resource.</summary>
public static class RevisionDiffer
{
    public static RevisionDiff Diff(RenderedRevision from, RenderedRevision to)
    {
        var values = new List<ValueChange>();
        var oldValues = ValueTree.Flatten(from.Revision.ResolvedValues);
        var newValues = ValueTree.Flatten(to.Revision.ResolvedValues);
        foreach (var key in oldValues.Keys.Union(newValues.Keys).Order(StringComparer.Ordinal))
        {
            var inOld = oldValues.TryGetValue(key, out var oldValue);
            var inNew = newValues.TryGetValue(key, out var newValue);
            if (!inOld)
            {
                values.Add(new ValueChange(key, ChangeKind.Added, null, newValue));
            }
            else if (!inNew)
            {
                values.Add(new ValueChange(key, ChangeKind.Removed, oldValue, null));
            }
            else if (!ValueTree.DeepEquals(oldValue, newValue))
            {
                values.Add(new ValueChange(key, ChangeKind.Changed, oldValue, newValue));
            }
        }

        var oldResources = from.Resources.ToDictionary(r => r.Key, r => r.Yaml);
        var newResources = to.Resources.ToDictionary(r => r.Key, r => r.Yaml);
        var keys = from.Resources.Select(r => r.Key).Concat(to.Resources.Select(r => r.Key)).Distinct();
        var resources = new List<ResourceChange>();
        foreach (var key in keys)
        {
            var before = oldResources.GetValueOrDefault(key);
            var after = newResources.GetValueOrDefault(key);
            if (before == after)
            {
                continue;
            }

            var change = before is null ? ChangeKind.Added : after is null ? ChangeKind.Removed : ChangeKind.Changed;
            resources.Add(new ResourceChange(key, change, Unified(key, before, after)));
        }

        var fromChart = from.Revision.Chart?.Version ?? from.Revision.Commit?.Sha;
        var toChart = to.Revision.Chart?.Version ?? to.Revision.Commit?.Sha;
        return new RevisionDiff(
            from.Revision.Number,
            to.Revision.Number,
            values,
            fromChart == toChart ? null : fromChart,
            fromChart == toChart ? null : toChart,
            resources);
    }

    private static string Unified(ResourceKey key, string? before, string? after) =>
        UnidiffRenderer.GenerateUnidiff(before ?? string.Empty, after ?? string.Empty, $"a/{key}", $"b/{key}", false, false, 3);
}
