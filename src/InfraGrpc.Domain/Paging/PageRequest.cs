using InfraGrpc.Domain.Errors;

namespace InfraGrpc.Domain.Paging;

/// <summary>A page request: size (default 50, at most 500) and the opaque token of the previous page.</summary>
public sealed record PageRequest(int Size, string? Token)
{
    public const int DefaultSize = 50;
    public const int MaxSize = 500;

    /// <summary>Validates a page size and token from a request.</summary>
    /// <exception cref="ValidationException">A negative size or a token that this server did not issue.</exception>
    public static PageRequest Create(int size, string? token, string sizeField = "page_size", string tokenField = "page_token")
    {
        var violations = new List<FieldViolation>();
        if (size < 0)
        {
            violations.Add(new FieldViolation(sizeField, "must not be negative"));
        }

        if (!string.IsNullOrEmpty(token) && PageToken.Decode(token) is null)
        {
            violations.Add(new FieldViolation(tokenField, "is not a page token returned by this server"));
        }

        if (violations.Count > 0)
        {
            throw new ValidationException(violations);
        }

        return new PageRequest(size == 0 ? DefaultSize : Math.Min(size, MaxSize), string.IsNullOrEmpty(token) ? null : token);
    }

    /// <summary>The key after which this page starts, or null for the first page.</summary>
    public string? AfterKey => Token is null ? null : PageToken.Decode(Token);
}

/// <summary>One page of results and the token of the next one (null on the last page).</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextToken);
