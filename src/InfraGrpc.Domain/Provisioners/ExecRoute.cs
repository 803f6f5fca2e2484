namespace InfraGrpc.Domain.Provisioners;

/// <summary>
/// One <c>exec</c> route (<c>InfraGrpc:Exec:Routes:N:*</c>): resource kinds matching <see cref="Kinds"/>
/// (<c>*</c> wildcards, comma-separated) run <see cref="Command"/>.
/// </summary>
public sealed class ExecRoute
{
    public string Kinds { get; set; } = "*";

    public string Command { get; set; } = string.Empty;

    public List<string> Arguments { get; set; } = [];

    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(30);

    public bool Matches(string kind) => Kinds.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Any(pattern =>
        pattern == "*"
        || (pattern.EndsWith('*') && kind.StartsWith(pattern[..^1], StringComparison.Ordinal))
        || pattern == kind);
}
