using InfraGrpc.Domain.Pipelines;

namespace InfraGrpc.Server.Pipelines;

/// <summary>Every kind goes to the simulated provisioner (the embedded default).</summary>
internal sealed class ProvisionerSelector(IEnumerable<IProvisioner> provisioners) : IProvisionerSelector
{
    private readonly IProvisioner _default = provisioners.First(p => p.Name == "simulated");

    public IProvisioner ForKind(string kind) => _default;
}
