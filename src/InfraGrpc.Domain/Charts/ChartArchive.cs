using System.Formats.Tar;
using System.IO.Compression;
using InfraGrpc.Domain.Errors;

namespace InfraGrpc.Domain.Charts;

/// <summary>Reads chart files from a <c>.tgz</c> archive or a directory, within the chart limits.</summary>
public static class ChartArchive
{
    /// <summary>Extracts the regular files of a gzip-compressed tar; a single top-level folder is stripped and returned as the name hint.</summary>
    public static (IReadOnlyList<ChartFile> Files, string? TopFolder) Extract(byte[] archive, ChartLimits limits)
    {
        if (archive.LongLength > limits.MaxArchiveBytes)
        {
            throw new ValidationException("archive", $"the archive is {archive.LongLength} bytes, the limit is {limits.MaxArchiveBytes}");
        }

        var files = new List<ChartFile>();
        long total = 0;
        try
        {
            using var gzip = new GZipStream(new MemoryStream(archive), CompressionMode.Decompress);
            using var reader = new TarReader(gzip);
            while (reader.GetNextEntry() is { } entry)
            {
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.DataStream is null)
                {
                    continue;
                }

                total += entry.Length;
                if (files.Count >= limits.MaxFiles || total > limits.MaxTotalBytes)
                {
                    throw new ValidationException("archive", $"the archive holds more than {limits.MaxFiles} files or {limits.MaxTotalBytes} bytes uncompressed");
                }

                using var content = new MemoryStream();
                entry.DataStream.CopyTo(content);
                files.Add(new ChartFile(entry.Name.TrimStart('.', '/'), content.ToArray()));
            }
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException)
        {
            throw new ValidationException("archive", "not a gzip-compressed tar archive: " + e.Message);
        }

        var tops = files.Select(f => f.Path.Split('/')[0]).Distinct(StringComparer.Ordinal).ToList();
        if (tops.Count == 1 && files.All(f => f.Path.Contains('/', StringComparison.Ordinal)))
        {
            var prefix = tops[0] + "/";
            return (files.Select(f => f with { Path = f.Path[prefix.Length..] }).ToList(), tops[0]);
        }

        return (files, null);
    }

    /// <summary>Reads every file under a chart directory (hidden files and folders skipped).</summary>
    public static IReadOnlyList<ChartFile> ReadDirectory(string directory, ChartLimits limits)
    {
        var root = Path.GetFullPath(directory);
        var files = new List<ChartFile>();
        long total = 0;
        foreach (var path in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/');
            if (relative.Split('/').Any(part => part.StartsWith('.')))
            {
                continue;
            }

            total += new FileInfo(path).Length;
            if (files.Count >= limits.MaxFiles || total > limits.MaxTotalBytes)
            {
                throw new ValidationException("files", $"the chart holds more than {limits.MaxFiles} files or {limits.MaxTotalBytes} bytes");
            }

            files.Add(new ChartFile(relative, File.ReadAllBytes(path)));
        }

        return files;
    }
}
