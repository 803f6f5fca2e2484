namespace InfraGrpc.Domain.Projects;

/// <summary>What a forced deletion removed; <paramref name="Busy"/> when it removed nothing because a pipeline of the project is active.</summary>
public sealed record ForcedDeletion(string ProjectId, string QualifiedName, int ResourceRecords, bool Busy = false);

/// <summary>The record a forced deletion leaves, as every store writes it (the project's own record may be unreadable).</summary>
public static class ForcedDeletionRecord
{
    public static string Json(string projectId, string qualifiedName, string actor, DateTimeOffset at, string reason, IReadOnlyList<string> resourceRecords) =>
        Values.Json.Serialize(new Dictionary<string, object?>
        {
            ["projectId"] = projectId,
            ["qualifiedName"] = qualifiedName,
            ["actor"] = actor,
            ["deletedAt"] = at.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["forced"] = true,
            ["reason"] = reason,
            ["resourceRecords"] = resourceRecords.Cast<object?>().ToList(),
        });
}
