using System.CommandLine;
using InfraGrpc.Cli.Output;
using Spectre.Console;
using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Cli.Commands;

/// <summary><c>infractl whoami</c>, <c>token create|list|revoke</c>, <c>access bind|unbind|list</c> and <c>audit</c>.</summary>
internal static class AccessCommands
{
    public static IEnumerable<Command> Create(GlobalOptions options)
    {
        yield return WhoAmI(options);
        var token = new Command("token", "API tokens: create (the secret is shown once), list, revoke");
        token.Subcommands.Add(CreateToken(options));
        token.Subcommands.Add(ListTokens(options));
        token.Subcommands.Add(RevokeToken(options));
        yield return token;
        var access = new Command("access", "Role bindings per org: bind, unbind, list");
        access.Subcommands.Add(Bind(options));
        access.Subcommands.Add(Unbind(options));
        access.Subcommands.Add(ListBindings(options));
        yield return access;
        yield return Audit(options);
    }

    private static Command Audit(GlobalOptions options)
    {
        var org = new Option<string>("--org") { Description = "Only this org (* for events of no org)", DefaultValueFactory = _ => string.Empty };
        var actor = new Option<string>("--actor") { Description = "Only this actor", DefaultValueFactory = _ => string.Empty };
        var method = new Option<string>("--method") { Description = "Only this RPC, e.g. UpdateProject", DefaultValueFactory = _ => string.Empty };
        var limit = new Option<int>("--limit") { Description = "How many events (newest first)", DefaultValueFactory = _ => 50 };
        var command = new Command("audit", "The audit trail: who changed what, and every denial (admins)") { org, actor, method, limit };
        return command.Action(options, async context =>
        {
            var response = await Client(context).ListAuditEventsAsync(
                new Proto.ListAuditEventsRequest { Org = context.Value(org), Actor = context.Value(actor), Method = context.Value(method), PageSize = context.Value(limit) },
                cancellationToken: context.CancellationToken);
            context.Printer.Print(response, console =>
            {
                var table = Printer.Table("TIME", "ACTOR", "RPC", "ORG", "TARGET", "OUTCOME", "FROM");
                foreach (var e in response.Events)
                {
                    table.AddRow(Printer.Time(e.Time), Printer.Escape(e.Actor), Printer.Escape(e.Method[(e.Method.LastIndexOf('/') + 1)..]), Printer.Escape(e.Org), Printer.Escape(e.Target), Printer.Escape(e.Outcome), Printer.Escape(e.ClientAddress));
                }

                console.Write(table);
            });
            return ExitCodes.Success;
        });
    }

    private static Command WhoAmI(GlobalOptions options)
    {
        var command = new Command("whoami", "Show who the server thinks you are, and your roles");
        return command.Action(options, async context =>
        {
            var response = await Client(context).WhoAmIAsync(new Proto.WhoAmIRequest(), cancellationToken: context.CancellationToken);
            context.Printer.Print(response, _ =>
            {
                context.Printer.Line($"{response.Name} ({response.Method})");
                foreach (var role in response.Roles)
                {
                    context.Printer.Line($"  {Role(role.Role)} in {(role.Org == "*" ? "every org" : role.Org)}");
                }
            });
            return ExitCodes.Success;
        });
    }

    private static Command CreateToken(GlobalOptions options)
    {
        var name = new Argument<string>("name") { Description = "A name for people, e.g. ci-deploy" };
        var owner = new Option<string>("--owner") { Description = "The identity it authenticates as (instance admins only; default: you)", DefaultValueFactory = _ => string.Empty };
        var ttl = new Option<TimeSpan?>("--ttl") { Description = "How long it works, e.g. 30.00:00:00 for 30 days (default: until revoked)" };
        var command = new Command("create", "Create an API token; its secret is printed once, on standard output") { name, owner, ttl };
        return command.Action(options, async context =>
        {
            var response = await Client(context).CreateTokenAsync(
                new Proto.CreateTokenRequest { Name = context.Value(name), Owner = context.Value(owner), TtlSeconds = (long)(context.Value(ttl)?.TotalSeconds ?? 0) },
                cancellationToken: context.CancellationToken);
            context.Printer.Print(response, _ =>
            {
                context.Environment.Error.WriteLine($"token {response.Token.Id} for {response.Token.Owner}: store the secret now, it is not shown again");
                context.Printer.Line(response.Secret);
            });
            return ExitCodes.Success;
        });
    }

    private static Command ListTokens(GlobalOptions options)
    {
        var command = new Command("list", "List your tokens (every token, for an instance admin), without secrets");
        return command.Action(options, async context =>
        {
            var response = await Client(context).ListTokensAsync(new Proto.ListTokensRequest(), cancellationToken: context.CancellationToken);
            context.Printer.Print(response, console =>
            {
                var table = Printer.Table("ID", "NAME", "OWNER", "CREATED", "EXPIRES", "REVOKED");
                foreach (var t in response.Tokens)
                {
                    table.AddRow(t.Id, Printer.Escape(t.Name), Printer.Escape(t.Owner), Printer.Time(t.CreateTime), Printer.Time(t.ExpireTime), Printer.Time(t.RevokeTime));
                }

                console.Write(table);
            });
            return ExitCodes.Success;
        });
    }

    private static Command RevokeToken(GlobalOptions options)
    {
        var id = new Argument<string>("token-id") { Description = "The token id (from token list)" };
        var command = new Command("revoke", "Revoke a token; it stops working at once") { id };
        return command.Action(options, async context =>
        {
            var response = await Client(context).RevokeTokenAsync(new Proto.RevokeTokenRequest { TokenId = context.Value(id) }, cancellationToken: context.CancellationToken);
            context.Printer.Print(response, _ => context.Printer.Line($"token {response.Token.Id} revoked"));
            return ExitCodes.Success;
        });
    }

    private static Command Bind(GlobalOptions options)
    {
        var org = new Argument<string>("org") { Description = "The org, or * for every org (instance admins only)" };
        var user = new Option<string>("--user") { Description = "Bind a user (an identity name)" };
        var group = new Option<string>("--group") { Description = "Bind a group claimed by a JWT" };
        var token = new Option<string>("--token") { Description = "Bind one API token, by id" };
        var role = new Option<string>("--role") { Description = "viewer, operator or admin", Required = true };
        role.AcceptOnlyFromAmong("viewer", "operator", "admin");
        var command = new Command("bind", "Give a user, group or token a role in an org") { org, user, group, token, role };
        return command.Action(options, async context =>
        {
            var subjects = new[] { (Proto.SubjectKind.User, context.Value(user)), (Proto.SubjectKind.Group, context.Value(group)), (Proto.SubjectKind.Token, context.Value(token)) }
                .Where(s => !string.IsNullOrEmpty(s.Item2)).ToList();
            if (subjects.Count != 1)
            {
                throw new UsageException("give exactly one of --user, --group or --token");
            }

            var response = await Client(context).BindRoleAsync(
                new Proto.BindRoleRequest { Org = context.Value(org), SubjectKind = subjects[0].Item1, Subject = subjects[0].Item2, Role = Enum.Parse<Proto.Role>(context.Value(role), ignoreCase: true) },
                cancellationToken: context.CancellationToken);
            context.Printer.Print(response, _ => context.Printer.Line($"binding {response.Binding.Id}: {Subject(response.Binding)} is {Role(response.Binding.Role)} in {response.Binding.Org}"));
            return ExitCodes.Success;
        });
    }

    private static Command Unbind(GlobalOptions options)
    {
        var id = new Argument<string>("binding-id") { Description = "The binding id (from access list)" };
        var command = new Command("unbind", "Remove a role binding") { id };
        return command.Action(options, async context =>
        {
            await Client(context).UnbindRoleAsync(new Proto.UnbindRoleRequest { BindingId = context.Value(id) }, cancellationToken: context.CancellationToken);
            context.Printer.Line($"binding {context.Value(id)} removed");
            return ExitCodes.Success;
        });
    }

    private static Command ListBindings(GlobalOptions options)
    {
        var org = new Option<string>("--org") { Description = "Only this org", DefaultValueFactory = _ => string.Empty };
        var command = new Command("list", "List the role bindings of the orgs you administer") { org };
        return command.Action(options, async context =>
        {
            var response = await Client(context).ListRoleBindingsAsync(new Proto.ListRoleBindingsRequest { Org = context.Value(org) }, cancellationToken: context.CancellationToken);
            context.Printer.Print(response, console =>
            {
                var table = Printer.Table("ID", "ORG", "SUBJECT", "ROLE", "BY");
                foreach (var b in response.Bindings)
                {
                    table.AddRow(b.Id.Length == 0 ? "(configured)" : b.Id, Printer.Escape(b.Org), Printer.Escape(Subject(b)), Role(b.Role), Printer.Escape(b.CreatedBy));
                }

                console.Write(table);
            });
            return ExitCodes.Success;
        });
    }

    private static string Subject(Proto.RoleBinding binding) => $"{binding.SubjectKind.ToString().ToLowerInvariant()}:{binding.Subject}";

    private static string Role(Proto.Role role) => role.ToString().ToLowerInvariant();

    private static Proto.AccessService.AccessServiceClient Client(CommandContext context) => new(context.Channel);
}
