using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using InfraGrpc.Domain.Access;
using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Server.Grpc.Services;

/// <summary>Tokens, role bindings and whoami over gRPC; <see cref="AccessManager"/> decides who may do what.</summary>
internal sealed class AccessGrpcService(AccessManager access, IAuditStore audit, Domain.Paging.PageTokens tokens) : Proto.AccessService.AccessServiceBase
{
    public override Task<Proto.WhoAmIResponse> WhoAmI(Proto.WhoAmIRequest request, ServerCallContext context)
    {
        var identity = CallerIdentity.Of(context);
        var response = new Proto.WhoAmIResponse { Name = identity.Name, Method = identity.Method, TokenId = identity.TokenId ?? string.Empty };
        response.Groups.Add(identity.Groups);
        response.Roles.Add(CallerIdentity.Grants(context).ByOrg.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => new Proto.OrgRole { Org = kv.Key, Role = ToProto(kv.Value) }));
        return Task.FromResult(response);
    }

    public override async Task<Proto.CreateTokenResponse> CreateToken(Proto.CreateTokenRequest request, ServerCallContext context)
    {
        if (request.TtlSeconds is < 0 or > 10L * 366 * 24 * 3600)
        {
            throw new Domain.Errors.ValidationException("ttl_seconds", "0 (no expiry) or up to ten years in seconds");
        }

        var (token, secret) = await access.CreateTokenAsync(
            CallerIdentity.Of(context), CallerIdentity.Grants(context), request.Name, request.Owner, request.TtlSeconds == 0 ? null : TimeSpan.FromSeconds(request.TtlSeconds), context.CancellationToken);
        return new Proto.CreateTokenResponse { Token = ToProto(token), Secret = secret };
    }

    public override async Task<Proto.ListTokensResponse> ListTokens(Proto.ListTokensRequest request, ServerCallContext context)
    {
        var response = new Proto.ListTokensResponse();
        response.Tokens.Add((await access.ListTokensAsync(CallerIdentity.Of(context), CallerIdentity.Grants(context), context.CancellationToken)).Select(ToProto));
        return response;
    }

    public override async Task<Proto.RevokeTokenResponse> RevokeToken(Proto.RevokeTokenRequest request, ServerCallContext context) =>
        new() { Token = ToProto(await access.RevokeTokenAsync(CallerIdentity.Of(context), CallerIdentity.Grants(context), request.TokenId, context.CancellationToken)) };

    public override async Task<Proto.BindRoleResponse> BindRole(Proto.BindRoleRequest request, ServerCallContext context)
    {
        var binding = await access.BindAsync(
            CallerIdentity.Of(context), CallerIdentity.Grants(context), request.Org, (SubjectKind)(int)request.SubjectKind, request.Subject, (Role)(int)request.Role, context.CancellationToken);
        return new Proto.BindRoleResponse { Binding = ToProto(binding) };
    }

    public override async Task<Proto.UnbindRoleResponse> UnbindRole(Proto.UnbindRoleRequest request, ServerCallContext context)
    {
        await access.UnbindAsync(CallerIdentity.Grants(context), request.BindingId, context.CancellationToken);
        return new Proto.UnbindRoleResponse();
    }

    public override async Task<Proto.ListRoleBindingsResponse> ListRoleBindings(Proto.ListRoleBindingsRequest request, ServerCallContext context)
    {
        var response = new Proto.ListRoleBindingsResponse();
        response.Bindings.Add((await access.ListBindingsAsync(CallerIdentity.Grants(context), request.Org.Length == 0 ? null : request.Org, context.CancellationToken)).Select(ToProto));
        return response;
    }

    public override async Task<Proto.ListAuditEventsResponse> ListAuditEvents(Proto.ListAuditEventsRequest request, ServerCallContext context)
    {
        var grants = CallerIdentity.Grants(context);
        IReadOnlySet<string>? orgs = grants.Instance >= Role.Admin ? null : grants.ByOrg.Where(kv => kv.Value >= Role.Admin).Select(kv => kv.Key).ToHashSet(StringComparer.Ordinal);
        if (orgs is { Count: 0 })
        {
            throw new Domain.Errors.PermissionDeniedException("the audit trail is for admins: of an org (its events) or of the instance (all)", "*", "admin");
        }

        var scope = Domain.Paging.PageTokens.Scope("audit", request.Org, request.Actor, request.Method, orgs is null ? "*" : string.Join(',', orgs.Order(StringComparer.Ordinal)));
        var filter = new AuditFilter(Null(request.Org), Null(request.Actor), Null(request.Method), orgs);
        var page = await audit.ListAsync(filter, tokens.Request(request.PageSize, request.PageToken, scope), context.CancellationToken);
        var response = new Proto.ListAuditEventsResponse { NextPageToken = tokens.Write(scope, page.NextKey) ?? string.Empty };
        response.Events.Add(page.Items.Select(e => new Proto.AuditEvent
        {
            Id = e.Id,
            Time = Timestamp.FromDateTimeOffset(e.At),
            Actor = e.Actor,
            Method = e.Method,
            Org = e.Org,
            Target = e.Target,
            Outcome = e.Outcome,
            RequestId = e.RequestId,
            ClientAddress = e.ClientAddress,
        }));
        return response;
    }

    private static string? Null(string value) => value.Length == 0 ? null : value;

    private static Proto.Role ToProto(Role role) => (Proto.Role)(int)role;

    private static Proto.ApiToken ToProto(ApiToken token) => new()
    {
        Id = token.Id,
        Name = token.Name,
        Owner = token.Owner,
        CreateTime = Timestamp.FromDateTimeOffset(token.CreatedAt),
        ExpireTime = token.ExpiresAt is { } expires ? Timestamp.FromDateTimeOffset(expires) : null,
        RevokeTime = token.RevokedAt is { } revoked ? Timestamp.FromDateTimeOffset(revoked) : null,
        CreatedBy = token.CreatedBy,
    };

    private static Proto.RoleBinding ToProto(RoleBinding binding) => new()
    {
        Id = binding.Id,
        Org = binding.Org,
        SubjectKind = (Proto.SubjectKind)(int)binding.SubjectKind,
        Subject = binding.Subject,
        Role = ToProto(binding.Role),
        CreatedBy = binding.CreatedBy,
        CreateTime = Timestamp.FromDateTimeOffset(binding.CreatedAt),
    };
}
