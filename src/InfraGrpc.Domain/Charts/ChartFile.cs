namespace InfraGrpc.Domain.Charts;

/// <summary>One file of a chart; <paramref name="Path"/> is relative to the chart root with forward slashes.</summary>
public sealed record ChartFile(string Path, byte[] Content)
{
    public string Text => System.Text.Encoding.UTF8.GetString(Content);
}
