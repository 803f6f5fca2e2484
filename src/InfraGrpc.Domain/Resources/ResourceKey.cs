namespace InfraGrpc.Domain.Resources;

/// <summary>Identifies a resource within a project: its kind and name, written <c>Kind/name</c>.</summary>
public readonly record struct ResourceKey(string Kind, string Name)
{
    /// <summary>Parses <c>Kind/name</c>; returns false for anything else.</summary>
    public static bool TryParse(string text, out ResourceKey key)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        key = slash > 0 && slash < text.Length - 1 ? new ResourceKey(text[..slash], text[(slash + 1)..]) : default;
        return slash > 0 && slash < text.Length - 1;
    }

    public override string ToString() => Kind + "/" + Name;
}
