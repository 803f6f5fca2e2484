using InfraGrpc.Domain.Pipelines;
using InfraGrpc.Domain.Provisioners;

namespace InfraGrpc.Server.Pipelines;

/// <summary>
/// Chooses a provisioner per kind: the first <c>InfraGrpc:Exec:Routes</c> entry whose pattern matches
/// runs the kind through <c>exec</c>; everything else goes to the simulated provisioner.
/// </summary>
internal sealed class ProvisionerSelector(SimulatedProvisioner simulated, IReadOnlyList<ExecRoute> routes) : IProvisionerSelector
{
    private readonly IReadOnlyList<(ExecRoute Route, ExecProvisioner Provisioner)> _exec = routes.Select(r => (r, new ExecProvisioner(r))).ToList();

    public IProvisioner ForKind(string kind) => _exec.FirstOrDefault(e => e.Route.Matches(kind)).Provisioner as IProvisioner ?? simulated;
}
