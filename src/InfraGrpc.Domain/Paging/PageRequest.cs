namespace InfraGrpc.Domain.Paging;

/// <summary>A page request: size (default 50, at most 500) and the key after which the page starts (from a verified token).</summary>
public sealed record PageRequest(int Size, string? AfterKey)
{
    public const int DefaultSize = 50;
    public const int MaxSize = 500;

    /// <summary>The first page of the given size.</summary>
    public static PageRequest First(int size = DefaultSize) => new(size, null);
}

/// <summary>One page of results and the key of its last item when there is a next page (stores return keys; the edge signs them into tokens).</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextKey);
