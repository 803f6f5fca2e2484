using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace InfraGrpc.Cli;

/// <summary>One named server setup, kubectl-style: where the server is, the CA that signs it, and the token file to use.</summary>
internal sealed class CliContext
{
    public string Name { get; set; } = string.Empty;

    public string? Server { get; set; }

    public string? CaFile { get; set; }

    public string? TokenFile { get; set; }
}

/// <summary>
/// The infractl config file (<c>$INFRACTL_CONFIG</c>, default <c>~/.config/infractl/config.yaml</c>): contexts and
/// the current one. Flags win over the environment, which wins over the context. It holds file paths, never tokens.
/// </summary>
internal sealed class CliConfig
{
    public const string PathVariable = "INFRACTL_CONFIG";

    private static readonly ISerializer Writer = new SerializerBuilder().WithNamingConvention(HyphenatedNamingConvention.Instance).ConfigureDefaultValuesHandling(DefaultValuesHandling.OmitNull).Build();
    private static readonly IDeserializer Reader = new DeserializerBuilder().WithNamingConvention(HyphenatedNamingConvention.Instance).Build();

    public string? CurrentContext { get; set; }

    public List<CliContext> Contexts { get; set; } = [];

    public static string PathFor(CliEnvironment environment) =>
        environment.GetVariable(PathVariable) is { Length: > 0 } path
            ? path
            : System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config", "infractl", "config.yaml");

    public static CliConfig Load(string path)
    {
        if (!File.Exists(path))
        {
            return new CliConfig();
        }

        try
        {
            return Reader.Deserialize<CliConfig?>(File.ReadAllText(path)) ?? new CliConfig();
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new UsageException($"{path} is not a valid infractl config: {e.Message}");
        }
    }

    public void Save(string path)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        File.WriteAllText(path, Writer.Serialize(this));
    }

    /// <summary>The context named, or the current one; null when there is none.</summary>
    /// <exception cref="UsageException">A context is named that the file does not have.</exception>
    public CliContext? Select(string? name)
    {
        var wanted = string.IsNullOrEmpty(name) ? CurrentContext : name;
        if (string.IsNullOrEmpty(wanted))
        {
            return null;
        }

        return Contexts.FirstOrDefault(c => c.Name == wanted)
            ?? throw new UsageException($"no context '{wanted}' in the infractl config; the contexts are: {string.Join(", ", Contexts.Select(c => c.Name))}");
    }
}
