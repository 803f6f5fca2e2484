using InfraGrpc.Domain.Access;

namespace InfraGrpc.Server.Access;

/// <summary>How an RPC finds the org it acts in, and what it needs there.</summary>
internal enum RuleScope
{
    /// <summary>Anyone, authenticated or not (health, reflection).</summary>
    Public,

    /// <summary>Any authenticated caller; the handler checks what the caller may see or change (access management).</summary>
    Authenticated,

    /// <summary>The role in at least one org (the chart catalog is shared by every org).</summary>
    AnyOrg,

    /// <summary>The role in the org the request addresses; no role there at all is NOT_FOUND.</summary>
    Org,

    /// <summary>Lists: the role in the filtered org, or results limited to the orgs the caller may see.</summary>
    Filtered,

    /// <summary>The role instance-wide.</summary>
    Instance,
}

/// <summary>One row of the authorisation table; <paramref name="Changes"/> marks access management calls that change something.</summary>
internal sealed record AccessRule(RuleScope Scope, Role Role, bool Changes = false)
{
    /// <summary>Whether a call is recorded in the audit trail even when it succeeds (denials always are).</summary>
    public bool Mutates => Changes || (Role >= Role.Operator && Scope is RuleScope.Org or RuleScope.AnyOrg or RuleScope.Instance);
}

/// <summary>
/// The authorisation table: every RPC the server serves, and what it needs. An RPC missing here is refused
/// (PERMISSION_DENIED) and fails the test that enumerates the contract's descriptors.
/// </summary>
internal static class AccessRules
{
    private const string Charts = "/infragrpc.v1.InfraChartService/";
    private const string Projects = "/infragrpc.v1.InfraProjectService/";
    private const string Pipelines = "/infragrpc.v1.PipelineService/";
    private const string AccessApi = "/infragrpc.v1.AccessService/";

    public static IReadOnlyDictionary<string, AccessRule> Table { get; } = new Dictionary<string, AccessRule>(StringComparer.Ordinal)
    {
        [Charts + "PublishChart"] = new(RuleScope.AnyOrg, Role.Admin),
        [Charts + "GetChart"] = new(RuleScope.AnyOrg, Role.Viewer),
        [Charts + "ListCharts"] = new(RuleScope.AnyOrg, Role.Viewer),
        [Charts + "ListChartVersions"] = new(RuleScope.AnyOrg, Role.Viewer),
        [Charts + "DeleteChartVersion"] = new(RuleScope.AnyOrg, Role.Admin),
        [Charts + "RenderChart"] = new(RuleScope.AnyOrg, Role.Viewer),

        [Projects + "CreateProject"] = new(RuleScope.Org, Role.Operator),
        [Projects + "GetProject"] = new(RuleScope.Org, Role.Viewer),
        [Projects + "ListProjects"] = new(RuleScope.Filtered, Role.Viewer),
        [Projects + "UpdateProject"] = new(RuleScope.Org, Role.Operator),
        [Projects + "PreviewProject"] = new(RuleScope.Org, Role.Viewer),
        [Projects + "UpgradeProjectChart"] = new(RuleScope.Org, Role.Operator),
        [Projects + "ListProjectRevisions"] = new(RuleScope.Org, Role.Viewer),
        [Projects + "GetProjectRevision"] = new(RuleScope.Org, Role.Viewer),
        [Projects + "DiffProjectRevisions"] = new(RuleScope.Org, Role.Viewer),
        [Projects + "RollbackProject"] = new(RuleScope.Org, Role.Operator),
        [Projects + "ListProjectResources"] = new(RuleScope.Org, Role.Viewer),
        [Projects + "UndeployProject"] = new(RuleScope.Org, Role.Operator),
        [Projects + "DeleteProject"] = new(RuleScope.Org, Role.Admin),
        [Projects + "PurgeProject"] = new(RuleScope.Org, Role.Admin),
        [Projects + "ForceDeleteProject"] = new(RuleScope.Instance, Role.Admin),

        [Pipelines + "RunPipeline"] = new(RuleScope.Org, Role.Operator),
        [Pipelines + "GetPipeline"] = new(RuleScope.Org, Role.Viewer),
        [Pipelines + "ListPipelines"] = new(RuleScope.Filtered, Role.Viewer),
        [Pipelines + "GetLastPipeline"] = new(RuleScope.Org, Role.Viewer),
        [Pipelines + "WatchPipeline"] = new(RuleScope.Org, Role.Viewer),
        [Pipelines + "StreamStackJobLogs"] = new(RuleScope.Org, Role.Viewer),
        [Pipelines + "CancelPipeline"] = new(RuleScope.Org, Role.Operator),
        [Pipelines + "ResolveManualGate"] = new(RuleScope.Org, Role.Operator),

        [AccessApi + "WhoAmI"] = new(RuleScope.Authenticated, Role.None),
        [AccessApi + "CreateToken"] = new(RuleScope.Authenticated, Role.None, Changes: true),
        [AccessApi + "ListTokens"] = new(RuleScope.Authenticated, Role.None),
        [AccessApi + "RevokeToken"] = new(RuleScope.Authenticated, Role.None, Changes: true),
        [AccessApi + "BindRole"] = new(RuleScope.Authenticated, Role.None, Changes: true),
        [AccessApi + "UnbindRole"] = new(RuleScope.Authenticated, Role.None, Changes: true),
        [AccessApi + "ListRoleBindings"] = new(RuleScope.Authenticated, Role.None),
        [AccessApi + "ListAuditEvents"] = new(RuleScope.Authenticated, Role.None),

        ["/grpc.health.v1.Health/Check"] = new(RuleScope.Public, Role.None),
        ["/grpc.health.v1.Health/Watch"] = new(RuleScope.Public, Role.None),
        ["/grpc.health.v1.Health/List"] = new(RuleScope.Public, Role.None),
        ["/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"] = new(RuleScope.Public, Role.None),
        ["/grpc.reflection.v1.ServerReflection/ServerReflectionInfo"] = new(RuleScope.Public, Role.None),
    };
}
