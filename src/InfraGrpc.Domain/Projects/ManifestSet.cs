using System.Security.Cryptography;
using System.Text;
using InfraGrpc.Domain.Graph;
using InfraGrpc.Domain.Resources;
using InfraGrpc.Domain.Values;

namespace InfraGrpc.Domain.Projects;

/// <summary>One rendered manifest as stored: the file it came from and its YAML.</summary>
public sealed record StoredManifest(string SourceFile, string Yaml);

/// <summary>
/// The rendered manifests of a revision, addressed by the sha256 of their content so equal renders are
/// stored once. Resources and graph are rebuilt from the YAML on read (milliseconds), so nothing derived
/// is stored twice.
/// </summary>
public sealed record ManifestSet(string Digest, IReadOnlyList<StoredManifest> Manifests)
{
    public static ManifestSet From(IReadOnlyList<CloudResource> resources)
    {
        var manifests = resources.Select(r => new StoredManifest(r.SourceFile, r.Yaml)).ToList();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var manifest in manifests)
        {
            hash.AppendData(Encoding.UTF8.GetBytes($"{manifest.SourceFile}\0{manifest.Yaml}\0"));
        }

        return new ManifestSet("sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset()), manifests);
    }

    /// <summary>Parses the stored YAML back into validated resources and their graph.</summary>
    public (IReadOnlyList<CloudResource> Resources, ResourceGraph Graph) Load(string env)
    {
        var resources = ManifestParser.Parse(Manifests.Select(m => new ManifestSource(m.SourceFile, YamlTree.ParseDocuments(m.Yaml)[0])));
        return (resources, ResourceGraph.Build(resources, env));
    }
}
