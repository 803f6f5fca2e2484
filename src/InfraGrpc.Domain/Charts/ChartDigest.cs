using System.Security.Cryptography;
using System.Text;

namespace InfraGrpc.Domain.Charts;

/// <summary>The content digest of a chart: sha256 over its files in path order (path, length, bytes).</summary>
public static class ChartDigest
{
    public static string Compute(IEnumerable<ChartFile> files)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in files.OrderBy(f => f.Path, StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes($"{file.Path}\0{file.Content.Length}\0"));
            hash.AppendData(file.Content);
        }

        return "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
