using Grpc.Core;
using Grpc.Core.Interceptors;
using InfraGrpc.Domain.Access;
using InfraGrpc.Domain.Errors;
using InfraGrpc.Domain.Pipelines;
using InfraGrpc.Domain.Projects;
using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Server.Access;

/// <summary>
/// Authenticates every call and authorises it against <see cref="AccessRules"/> before the handler runs
/// (so before a stream's first message). The identity and its grants travel in the call's user state;
/// <see cref="Grpc.CallerIdentity"/> reads the actor from there, never from the request.
/// </summary>
internal sealed class AccessInterceptor(AccessManager access, IAuditStore audit, DenialThrottle throttle, ProjectService projects, PipelineQueries pipelines, ILogger<AccessInterceptor> logger) : Interceptor
{
    public const string IdentityKey = "infragrpc.identity";
    public const string GrantsKey = "infragrpc.grants";
    private const string TargetKey = "infragrpc.target";

    /// <summary>The outcome of the event that stands for denials the <see cref="DenialThrottle"/> left out.</summary>
    public const string Suppressed = "SUPPRESSED";

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation) =>
        AuditedAsync(request, context, () => continuation(request, context));

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation) =>
        AuditedAsync(request, context, async () =>
        {
            await continuation(request, responseStream, context);
            return true;
        });

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation) =>
        AuditedAsync<object?, TResponse>(null, context, () => continuation(requestStream, context));

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation) =>
        AuditedAsync<object?, bool>(null, context, async () =>
        {
            await continuation(requestStream, responseStream, context);
            return true;
        });

    // Authorises, runs, and records in the audit trail every denial and every call that changes something.
    // A change is recorded before it runs (PENDING), so a change the trail cannot record does not happen;
    // its outcome is filled in afterwards, and if that last write fails the event says PENDING, never less.
    private async Task<TResult> AuditedAsync<TRequest, TResult>(TRequest request, ServerCallContext context, Func<Task<TResult>> work)
    {
        var rule = AccessRules.Table.GetValueOrDefault(context.Method);
        Target? target;
        try
        {
            target = await AuthoriseAsync(request, context);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await RecordDenialAsync(context, request, OutcomeOf(e));
            throw;
        }

        if (rule?.Mutates != true)
        {
            return await work();
        }

        var id = await RecordAsync(context, request, target, "PENDING");
        var outcome = StatusCode.Unknown.ToString();
        try
        {
            var result = await work();
            outcome = StatusCode.OK.ToString();
            return result;
        }
        catch (Exception e)
        {
            outcome = e is OperationCanceledException ? StatusCode.Cancelled.ToString() : OutcomeOf(e);
            throw;
        }
        finally
        {
            await SetOutcomeAsync(id, outcome);
        }
    }

    private async Task RecordDenialAsync<TRequest>(ServerCallContext context, TRequest request, string outcome)
    {
        try
        {
            var decision = throttle.Admit(Grpc.CallerIdentity.Of(context).Name, context.Peer ?? string.Empty);
            if (decision.Suppressed > 0)
            {
                await RecordAsync(context, request, null, Suppressed, $"{decision.Suppressed} denials of this caller were not recorded (more than {throttle.PerWindow} a minute)");
            }

            if (decision.Overflowing)
            {
                await RecordAsync(context, request, null, Suppressed, $"more than {throttle.PerWindow} denials of this caller this minute: the rest of this minute's are counted, not recorded");
            }

            if (decision.Record)
            {
                await RecordAsync(context, request, null, outcome);
            }
        }
#pragma warning disable CA1031 // The denial is what the caller must get; a trail that cannot be written is logged.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Logging.Log.AuditFailed(logger, context.Method, e.GetType().Name);
        }
    }

    private async Task SetOutcomeAsync(string id, string outcome)
    {
        try
        {
            await audit.SetOutcomeAsync(id, outcome);
        }
#pragma warning disable CA1031 // The call already ran; its event stays PENDING rather than turning the answer into an error.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Logging.Log.AuditFailed(logger, id, e.GetType().Name);
        }
    }

    private async Task<string> RecordAsync<TRequest>(ServerCallContext context, TRequest request, Target? target, string outcome, string? note = null)
    {
        var identity = Grpc.CallerIdentity.Of(context);
        var requestId = context.RequestHeaders.GetValue("x-request-id") is { Length: > 0 and <= 128 } given && !given.Any(char.IsControl) ? given : Guid.NewGuid().ToString("N");
        target ??= context.UserState.TryGetValue(TargetKey, out var resolved) ? resolved as Target : null;
        var (org, what) = target is not null ? (target.Org, target.Address) : Describe(request);
        var id = Guid.CreateVersion7().ToString("N");
        await audit.AppendAsync(new AuditEvent(
            id, DateTimeOffset.UtcNow, identity.Name, context.Method.TrimStart('/'), org, note ?? Domain.Errors.Excerpt.Of(what), outcome, requestId, context.Peer ?? string.Empty));
        return id;
    }

    // The target of a call that names no project or pipeline: a chart, a token, a binding.
    private static (string Org, string Target) Describe<TRequest>(TRequest request)
    {
        if (request is not Google.Protobuf.IMessage message)
        {
            return (RoleBinding.Instance, string.Empty);
        }

        var org = message.Descriptor.FindFieldByName("org")?.Accessor.GetValue(message) as string;
        var target = TargetFields
            .Select(name => message.Descriptor.FindFieldByName(name)?.Accessor.GetValue(message) as string)
            .FirstOrDefault(value => !string.IsNullOrEmpty(value)) ?? string.Empty;
        if (message is Proto.DeleteChartVersionRequest delete)
        {
            target = $"{delete.Name}@{delete.Version}";
        }

        return (string.IsNullOrEmpty(org) ? RoleBinding.Instance : org, target);
    }

    private static readonly string[] TargetFields = ["project", "pipeline_id", "name", "token_id", "binding_id", "subject"];

    private static string OutcomeOf(Exception e) => e switch
    {
        DomainException domain => ((StatusCode)Grpc.ErrorMappingInterceptor.ToStatus(domain).Code).ToString(),
        RpcException rpc => rpc.StatusCode.ToString(),
        _ => StatusCode.Internal.ToString(),
    };

    private async Task<Target?> AuthoriseAsync<TRequest>(TRequest request, ServerCallContext context)
    {
        if (!AccessRules.Table.TryGetValue(context.Method, out var rule))
        {
            throw new PermissionDeniedException($"{context.Method} has no access rule; it is refused", RoleBinding.Instance, "admin");
        }

        var bearer = Bearer(context);

        // A client certificate got past the TLS handshake only if it chains to the configured client CA.
        var http = context.GetHttpContext();
        var identity = bearer is null && http.Connection.ClientCertificate is { } certificate
            ? new Identity(certificate.GetNameInfo(System.Security.Cryptography.X509Certificates.X509NameType.SimpleName, false), "certificate", [], null)
            : bearer is not null && access.AcceptsJwt && JwtSetup.LooksLikeJwt(bearer)
                ? await JwtSetup.AuthenticateAsync(http, http.RequestServices.GetRequiredService<Hosting.JwtOptions>())
                : await access.AuthenticateAsync(bearer, context.CancellationToken);
        var grants = await access.GrantsAsync(identity, context.CancellationToken);
        context.UserState[IdentityKey] = identity;
        context.UserState[GrantsKey] = grants;
        if (rule.Scope == RuleScope.Public)
        {
            return null;
        }

        if (identity == Identity.Anonymous && !access.Open)
        {
            throw new UnauthenticatedException("this server needs a credential: send 'authorization: Bearer <token>'");
        }

        switch (rule.Scope)
        {
            case RuleScope.AnyOrg when !grants.AnyOrg(rule.Role):
                throw new PermissionDeniedException($"{Method(context)} needs the {Name(rule.Role)} role in at least one org", "*", Name(rule.Role));
            case RuleScope.Instance when grants.Instance < rule.Role:
                throw new PermissionDeniedException($"{Method(context)} needs an instance {Name(rule.Role)}", RoleBinding.Instance, Name(rule.Role));
            case RuleScope.Org or RuleScope.Filtered:
                return await CheckOrgAsync(request, context, rule, grants);
        }

        return null;
    }

    private async Task<Target?> CheckOrgAsync<TRequest>(TRequest request, ServerCallContext context, AccessRule rule, Grants grants)
    {
        var target = await TargetAsync(request, context.CancellationToken);
        if (target is null)
        {
            // A list across orgs (filtered by the handler), or an address that names nothing: the handler answers NOT_FOUND.
            return null;
        }

        // Kept for the audit trail, which records a denial against the org it was in.
        context.UserState[TargetKey] = target;
        var held = grants.In(target.Org);
        if (rule.Scope == RuleScope.Filtered && target.Entity is null)
        {
            // A list filtered on one org: the handler limits it to what the caller may see (possibly nothing).
            return target;
        }

        if (held == Role.None && target.Entity is not null)
        {
            // Exactly what a missing project or pipeline answers: the caller learns nothing of other orgs.
            throw new NotFoundException(target.Entity, target.Address);
        }

        if (held < rule.Role)
        {
            throw new PermissionDeniedException($"{Method(context)} needs the {Name(rule.Role)} role in org {target.Org}", target.Org, Name(rule.Role));
        }

        return target;
    }

    private async Task<Target?> TargetAsync<TRequest>(TRequest request, CancellationToken cancellationToken) => request switch
    {
        Proto.CreateProjectRequest r => new Target(r.Org.Length == 0 ? "default" : r.Org, null, r.Org),
        Proto.ListProjectsRequest r => r.Org.Length == 0 ? null : new Target(r.Org, null, r.Org),
        Proto.PreviewProjectRequest r => await ProjectAsync(r.Update?.Project ?? string.Empty, cancellationToken),
        Proto.ListPipelinesRequest r => r.Project.Length == 0 ? null : await ProjectAsync(r.Project, cancellationToken),
        Proto.GetPipelineRequest r => await PipelineAsync(r.PipelineId, cancellationToken),
        Proto.WatchPipelineRequest r => await PipelineAsync(r.PipelineId, cancellationToken),
        Proto.StreamStackJobLogsRequest r => await PipelineAsync(r.PipelineId, cancellationToken),
        Proto.CancelPipelineRequest r => await PipelineAsync(r.PipelineId, cancellationToken),
        Proto.ResolveManualGateRequest r => await PipelineAsync(r.PipelineId, cancellationToken),
        Google.Protobuf.IMessage message when message.Descriptor.FindFieldByName("project") is { } field => await ProjectAsync((string)field.Accessor.GetValue(message), cancellationToken),
        _ => throw new PermissionDeniedException($"no org can be found in {typeof(TRequest).Name}", RoleBinding.Instance, "admin"),
    };

    // "org/name" names its org without a lookup; an id is looked up (absent: the handler answers NOT_FOUND).
    private async Task<Target?> ProjectAsync(string address, CancellationToken cancellationToken)
    {
        var slash = address.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0)
        {
            return new Target(address[..slash], "project", address);
        }

        try
        {
            return address.Length == 0 ? null : new Target((await projects.GetAsync(address, cancellationToken)).Org, "project", address);
        }
        catch (DomainException)
        {
            return null;
        }
    }

    private async Task<Target?> PipelineAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            var pipeline = await pipelines.GetAsync(id, cancellationToken);
            return new Target(pipeline.ProjectName.Split('/')[0], "pipeline", id);
        }
        catch (DomainException)
        {
            return null;
        }
    }

    private static string? Bearer(ServerCallContext context)
    {
        var header = context.RequestHeaders.GetValue("authorization");
        if (string.IsNullOrEmpty(header))
        {
            return null;
        }

        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && header.Length > 7
            ? header[7..].Trim()
            : throw new UnauthenticatedException("authorization must be 'Bearer <token>'");
    }

    private static string Method(ServerCallContext context) => context.Method.TrimStart('/');

    private static string Name(Role role) => role.ToString().ToLowerInvariant();

    /// <summary>The org a request acts in; <paramref name="Entity"/> is what a NOT_FOUND names when the caller may not see it.</summary>
    private sealed record Target(string Org, string? Entity, string Address);
}
