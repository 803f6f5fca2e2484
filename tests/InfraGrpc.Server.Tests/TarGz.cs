using System.Formats.Tar;
using System.IO.Compression;
using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Server.Tests;

/// <summary>Packs chart files as a .tgz with one top-level folder, the way <c>tar czf</c> of a chart directory does.</summary>
internal static class TarGz
{
    public static byte[] Create(Proto.ChartFiles files, string folder)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip))
        {
            foreach (var file in files.Files)
            {
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, $"{folder}/{file.Path}") { DataStream = new MemoryStream(file.Content.ToByteArray()) });
            }
        }

        return output.ToArray();
    }
}
