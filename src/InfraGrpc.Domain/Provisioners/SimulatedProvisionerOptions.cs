namespace InfraGrpc.Domain.Provisioners;

/// <summary>Settings of the simulated provisioner (<c>InfraGrpc:Simulated:*</c>).</summary>
public sealed class SimulatedProvisionerOptions
{
    /// <summary>How long each operation takes.</summary>
    public TimeSpan Latency { get; set; } = TimeSpan.FromMilliseconds(300);
}
