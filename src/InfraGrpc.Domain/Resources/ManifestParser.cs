using System.Globalization;
using System.Text.RegularExpressions;
using InfraGrpc.Domain.Errors;
using InfraGrpc.Domain.Values;

namespace InfraGrpc.Domain.Resources;

/// <summary>
/// Turns parsed YAML documents into validated <see cref="CloudResource"/> manifests: shape, names,
/// unique kind/name, <c>valueFrom</c> references anywhere under spec, and relationships. Every problem
/// is collected and reported at once, each naming the file and line it comes from.
/// </summary>
public static partial class ManifestParser
{
    /// <summary>Parses and validates the documents; whitespace-only documents are dropped.</summary>
    /// <exception cref="ValidationException">One violation per problem found.</exception>
    public static IReadOnlyList<CloudResource> Parse(IEnumerable<ManifestSource> sources)
    {
        var violations = new List<FieldViolation>();
        var resources = new List<(CloudResource Resource, string Where)>();
        foreach (var source in sources)
        {
            if (source.Document.Root is null)
            {
                continue;
            }

            var where = $"{source.File}:{source.Document.Line.ToString(CultureInfo.InvariantCulture)}";
            var resource = ParseOne(source, where, violations);
            if (resource is not null)
            {
                resources.Add((resource, where));
            }
        }

        var seen = new Dictionary<ResourceKey, string>();
        foreach (var (resource, where) in resources)
        {
            if (!seen.TryAdd(resource.Key, where))
            {
                violations.Add(new FieldViolation(where, $"duplicate resource {resource.Key} (first defined at {seen[resource.Key]})"));
            }
        }

        foreach (var (resource, where) in resources)
        {
            foreach (var relationship in resource.Metadata.Relationships.Where(r => !seen.ContainsKey(r.Target)))
            {
                violations.Add(new FieldViolation(where, $"metadata.relationships: {resource.Key} relates to {relationship.Target}, which is not in the project"));
            }
        }

        if (violations.Count > 0)
        {
            throw new ValidationException(violations);
        }

        return resources.Select(r => r.Resource).ToList();
    }

    private static CloudResource? ParseOne(ManifestSource source, string where, List<FieldViolation> violations)
    {
        var before = violations.Count;
        void Fail(string field, string description) => violations.Add(new FieldViolation(where, $"{field}: {description}"));

        if (source.Document.Root is not Dictionary<string, object?> root)
        {
            Fail("document", $"a manifest must be a map, found {ValueTree.TypeName(source.Document.Root)}");
            return null;
        }

        var apiVersion = root.GetValueOrDefault("apiVersion") as string;
        if (string.IsNullOrWhiteSpace(apiVersion) || !ApiVersionPattern().IsMatch(apiVersion))
        {
            Fail("apiVersion", "required, as group/version (e.g. aws.project-planton.org/v1)");
        }

        var kind = root.GetValueOrDefault("kind") as string;
        if (string.IsNullOrEmpty(kind) || !KindPattern().IsMatch(kind))
        {
            Fail("kind", "required, in PascalCase (e.g. AwsVpc)");
        }

        var metadataMap = root.GetValueOrDefault("metadata") as Dictionary<string, object?>;
        if (metadataMap is null)
        {
            Fail("metadata", "required map with at least a name");
        }

        var name = metadataMap?.GetValueOrDefault("name") as string;
        // 253 bytes as well as characters: the name is part of store keys, which have a byte limit.
        if (metadataMap is not null && (string.IsNullOrEmpty(name) || !NamePattern().IsMatch(name) || System.Text.Encoding.UTF8.GetByteCount(name) > 253))
        {
            Fail("metadata.name", "required: 1 to 253 characters (and bytes), without '/', white space or control characters");
        }

        var spec = root.GetValueOrDefault("spec") switch
        {
            null => ValueTree.NewMap(),
            Dictionary<string, object?> map => map,
            var other => Invalid(other),
        };
        Dictionary<string, object?> Invalid(object other)
        {
            Fail("spec", $"must be a map, found {ValueTree.TypeName(other)}");
            return ValueTree.NewMap();
        }

        var labels = ReadStringMap(metadataMap, "labels", Fail);
        var annotations = ReadStringMap(metadataMap, "annotations", Fail);
        var env = ReadOptionalString(metadataMap, "env", Fail);
        var group = ReadOptionalString(metadataMap, "group", Fail);
        var relationships = ReadRelationships(metadataMap, Fail);
        var references = new List<ValueReference>();
        FindReferences(spec, "spec", references, Fail);

        if (violations.Count > before)
        {
            return null;
        }

        var metadata = new ResourceMetadata(name!, env, labels, annotations, group, relationships);
        var yaml = source.Document.Text.Length > 0 ? source.Document.Text : YamlWriter.Write(root);
        return new CloudResource(apiVersion!, kind!, metadata, spec, references, source.File, yaml, root);
    }

    private static Dictionary<string, string> ReadStringMap(Dictionary<string, object?>? metadata, string field, Action<string, string> fail)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        switch (metadata?.GetValueOrDefault(field))
        {
            case null:
                break;
            case Dictionary<string, object?> map:
                foreach (var (key, value) in map)
                {
                    if (value is IReadOnlyDictionary<string, object?> or IReadOnlyList<object?>)
                    {
                        fail($"metadata.{field}.{key}", "must be a scalar");
                    }
                    else
                    {
                        result[key] = value is null ? string.Empty : ValueTree.ToDisplayString(value);
                    }
                }

                break;
            case var other:
                fail($"metadata.{field}", $"must be a map, found {ValueTree.TypeName(other)}");
                break;
        }

        return result;
    }

    private static string? ReadOptionalString(Dictionary<string, object?>? map, string field, Action<string, string> fail)
    {
        switch (map?.GetValueOrDefault(field))
        {
            case null:
                return null;
            case string s:
                return s.Length == 0 ? null : s;
            case var other:
                fail($"metadata.{field}", $"must be a string, found {ValueTree.TypeName(other)}");
                return null;
        }
    }

    private static List<ResourceRelationship> ReadRelationships(Dictionary<string, object?>? metadata, Action<string, string> fail)
    {
        var result = new List<ResourceRelationship>();
        var raw = metadata?.GetValueOrDefault("relationships");
        if (raw is null)
        {
            return result;
        }

        if (raw is not List<object?> list)
        {
            fail("metadata.relationships", "must be a list");
            return result;
        }

        for (var i = 0; i < list.Count; i++)
        {
            var field = $"metadata.relationships[{i.ToString(CultureInfo.InvariantCulture)}]";
            if (list[i] is not Dictionary<string, object?> entry
                || entry.GetValueOrDefault("kind") is not string kind || !KindPattern().IsMatch(kind)
                || entry.GetValueOrDefault("name") is not string name || name.Length == 0)
            {
                fail(field, "must be {kind: PascalCase, name: ..., type: depends_on|uses|runs_on|managed_by}");
                continue;
            }

            RelationshipType? type = entry.GetValueOrDefault("type") switch
            {
                null or "depends_on" => RelationshipType.DependsOn,
                "uses" => RelationshipType.Uses,
                "runs_on" => RelationshipType.RunsOn,
                "managed_by" => RelationshipType.ManagedBy,
                _ => null,
            };
            if (type is null)
            {
                fail(field + ".type", "must be one of depends_on, uses, runs_on, managed_by");
                continue;
            }

            result.Add(new ResourceRelationship(new ResourceKey(kind, name), type.Value));
        }

        return result;
    }

    private static void FindReferences(object? node, string path, List<ValueReference> references, Action<string, string> fail)
    {
        switch (node)
        {
            case Dictionary<string, object?> map when map.ContainsKey("valueFrom"):
                var reference = ReadReference(map, path, fail);
                if (reference is not null)
                {
                    references.Add(reference);
                }

                break;
            case Dictionary<string, object?> map:
                foreach (var (key, value) in map)
                {
                    FindReferences(value, path + "." + key, references, fail);
                }

                break;
            case List<object?> list:
                for (var i = 0; i < list.Count; i++)
                {
                    FindReferences(list[i], $"{path}[{i.ToString(CultureInfo.InvariantCulture)}]", references, fail);
                }

                break;
        }
    }

    private static ValueReference? ReadReference(Dictionary<string, object?> map, string path, Action<string, string> fail)
    {
        if (map.Count != 1)
        {
            fail(path, "a reference holds valueFrom and nothing else");
            return null;
        }

        if (map["valueFrom"] is not Dictionary<string, object?> from
            || from.GetValueOrDefault("kind") is not string kind || !KindPattern().IsMatch(kind)
            || from.GetValueOrDefault("name") is not string name || name.Length == 0
            || from.GetValueOrDefault("fieldPath") is not string fieldPathText)
        {
            fail(path + ".valueFrom", "must be {kind: PascalCase, name: ..., fieldPath: ..., env: optional}");
            return null;
        }

        var unknown = from.Keys.Except(["kind", "name", "fieldPath", "env"]).ToList();
        if (unknown.Count > 0)
        {
            fail(path + ".valueFrom", "unknown field " + string.Join(", ", unknown));
            return null;
        }

        var fieldPath = FieldPath.TryParse(fieldPathText, out var error);
        if (fieldPath is null)
        {
            fail(path + ".valueFrom.fieldPath", $"'{fieldPathText}' {error}");
            return null;
        }

        var env = from.GetValueOrDefault("env") as string;
        return new ValueReference(new ResourceKey(kind, name), string.IsNullOrEmpty(env) ? null : env, fieldPath, path);
    }

    [GeneratedRegex(@"^[A-Za-z0-9.\-]+/[A-Za-z0-9.\-]+$")]
    private static partial Regex ApiVersionPattern();

    [GeneratedRegex(@"^[A-Z][A-Za-z0-9]{0,62}$")]
    private static partial Regex KindPattern();

    // What clouds accept (analytics_db, ml_dataset, MixedCase), less what breaks the Kind/name key or a log line.
    [GeneratedRegex(@"^[^/\s\p{Cc}\p{Cf}\p{Co}\p{Cn}]{1,253}$")]
    private static partial Regex NamePattern();
}
