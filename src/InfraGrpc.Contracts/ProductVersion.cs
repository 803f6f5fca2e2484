using System.Reflection;

namespace InfraGrpc.Contracts;

/// <summary>
/// The product's version (one for server, infractl and the C# client, from Directory.Build.props) and the
/// response header in which the server reports it.
/// </summary>
public static class ProductVersion
{
    public const string Header = "infragrpc-version";

    public static string Current { get; } =
        typeof(ProductVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
}
