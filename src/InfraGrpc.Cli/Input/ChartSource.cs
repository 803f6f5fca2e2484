using Google.Protobuf;
using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Cli.Input;

/// <summary>A chart named on the command line: a local folder, a local <c>.tgz</c>, or a catalog <c>name[@version]</c>.</summary>
internal sealed record ChartSource(Proto.ChartFiles? Files, ByteString? Archive, Proto.ChartReference? Reference, string? LocalName)
{
    public bool IsLocal => Files is not null || Archive is not null;

    public static ChartSource Parse(string text)
    {
        if (Directory.Exists(text))
        {
            // An InfraGrpc chart names itself in Chart.yaml (metadata.name), as a Helm chart does, whatever the
            // folder is called; only a Planton chart, which has no slug, takes the folder's name.
            var files = ReadDirectory(text);
            var folder = Path.GetFileName(Path.GetFullPath(text).TrimEnd(Path.DirectorySeparatorChar));
            return new ChartSource(files, null, null, IsPlanton(files) ? folder : null);
        }

        if (File.Exists(text) && (text.EndsWith(".tgz", StringComparison.Ordinal) || text.EndsWith(".tar.gz", StringComparison.Ordinal)))
        {
            return new ChartSource(null, ByteString.CopyFrom(File.ReadAllBytes(text)), null, null);
        }

        if (text.Contains('/', StringComparison.Ordinal) || text.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new InputException($"chart folder {text} does not exist");
        }

        var at = text.IndexOf('@', StringComparison.Ordinal);
        var reference = at < 0
            ? new Proto.ChartReference { Name = text }
            : new Proto.ChartReference { Name = text[..at], Version = text[(at + 1)..] };
        return new ChartSource(null, null, reference, null);
    }

    /// <summary>Whether the chart's Chart.yaml is a Planton one (<c>apiVersion: infra-hub.planton.ai/…</c>).</summary>
    public static bool IsPlanton(Proto.ChartFiles files) =>
        files.Files.FirstOrDefault(f => f.Path == "Chart.yaml")?.Content.ToStringUtf8().Contains("infra-hub.planton.ai", StringComparison.Ordinal) == true;

    /// <summary>Reads every file of a chart folder (hidden files and folders skipped), paths relative to it.</summary>
    public static Proto.ChartFiles ReadDirectory(string directory)
    {
        var root = Path.GetFullPath(directory);
        var files = new Proto.ChartFiles();
        foreach (var path in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var relative = Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/');
            if (!relative.Split('/').Any(part => part.StartsWith('.')))
            {
                files.Files.Add(new Proto.ChartFile { Path = relative, Content = ByteString.CopyFrom(File.ReadAllBytes(path)) });
            }
        }

        return files;
    }
}
