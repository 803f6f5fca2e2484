namespace InfraGrpc.Storage.LiteDb.Documents;

/// <summary>A project record. Id is the project id; <see cref="OrgName"/> (<c>org/name</c>) is unique.</summary>
internal sealed class ProjectDocument
{
    public const string Collection = "projects";

    public string Id { get; set; } = string.Empty;

    public string OrgName { get; set; } = string.Empty;

    public string Org { get; set; } = string.Empty;

    public string Name { get; set; } = string.Empty;

    public string Env { get; set; } = string.Empty;

    public Dictionary<string, string> Labels { get; set; } = [];

    /// <summary>Labels as <c>key=value</c>, indexed for label selectors.</summary>
    public List<string> LabelPairs { get; set; } = [];

    /// <summary><c>org name</c>: the listing order, org first (a space sorts before every slug character, a '/' after '-').</summary>
    public string ListOrder { get; set; } = string.Empty;

    public static string ListOrderOf(string org, string name) => org + " " + name;

    public string ChartName { get; set; } = string.Empty;

    /// <summary>The normalised repository URL of a git project, indexed for webhooks.</summary>
    public string RepoUrl { get; set; } = string.Empty;

    /// <summary>Everything else of the record as JSON (chart, controls, values, status).</summary>
    public string Json { get; set; } = string.Empty;
}

/// <summary>A revision. Id is <c>projectId:number</c> with the number zero-padded, so ids sort by number.</summary>
internal sealed class RevisionDocument
{
    public const string Collection = "revisions";

    public string Id { get; set; } = string.Empty;

    public string ProjectId { get; set; } = string.Empty;

    public int Number { get; set; }

    public string Json { get; set; } = string.Empty;

    public static string IdOf(string projectId, int number) => $"{projectId}:{number:D10}";
}

/// <summary>Rendered manifests, stored once per content digest.</summary>
internal sealed class ManifestSetDocument
{
    public const string Collection = "manifest_sets";

    public string Id { get; set; } = string.Empty;

    public string Json { get; set; } = string.Empty;
}

/// <summary>A project's record of one resource. Id is <c>projectId/Kind/name</c>.</summary>
internal sealed class ResourceDocument
{
    public const string Collection = "resources";

    public string Id { get; set; } = string.Empty;

    public string ProjectId { get; set; } = string.Empty;

    /// <summary><c>org/Kind/name</c>, for references between projects of an org.</summary>
    public string OrgKey { get; set; } = string.Empty;

    public string State { get; set; } = string.Empty;

    public string Json { get; set; } = string.Empty;
}

/// <summary>A create request id already served. Id is <c>org\nrequestId</c>.</summary>
internal sealed class CreateRequestDocument
{
    public const string Collection = "create_requests";

    public string Id { get; set; } = string.Empty;

    public string ProjectId { get; set; } = string.Empty;
}

/// <summary>The audit record of a deleted project.</summary>
internal sealed class DeletionDocument
{
    public const string Collection = "project_deletions";

    public string Id { get; set; } = string.Empty;

    public string Json { get; set; } = string.Empty;
}

/// <summary>A webhook delivery already handled. Id is <c>provider:deliveryId</c>.</summary>
internal sealed class WebhookDeliveryDocument
{
    public const string Collection = "webhook_deliveries";

    public string Id { get; set; } = string.Empty;

    public string Summary { get; set; } = string.Empty;

    public long ReceivedAtUnixMs { get; set; }
}
