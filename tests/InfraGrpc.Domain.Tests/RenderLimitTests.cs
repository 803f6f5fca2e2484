using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using InfraGrpc.Domain.Charts;
using InfraGrpc.Domain.Errors;

namespace InfraGrpc.Domain.Tests;

public sealed class RenderLimitTests
{
    [Fact]
    public void Render_PartialThatIncludesItselfForever_IsAValidationErrorNotAStackOverflow()
    {
        var error = Assert.Throws<ValidationException>(() => new ChartBuilder()
            .With("templates/_loop.hbs", "x{{> loop}}")
            .With("templates/a.yaml", "{{> loop}}")
            .Render());

        Assert.Contains("partials nest deeper than", Assert.Single(error.Violations).Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_MutuallyRecursivePartials_AreStopped()
    {
        var error = Assert.Throws<ValidationException>(() => new ChartBuilder()
            .With("templates/_ping.hbs", "{{> pong}}")
            .With("templates/_pong.hbs", "{{> ping}}")
            .With("templates/a.yaml", "{{> ping}}")
            .Render());

        Assert.Contains("partials nest deeper than", Assert.Single(error.Violations).Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_OutputLargerThanTheLimit_IsRejected()
    {
        var limits = ChartLimits.Default with { MaxRenderedBytes = 10_000 };
        var error = Assert.Throws<ValidationException>(() => new ChartBuilder(values: "params:\n  - {name: n, type: list, value: [1,2,3,4,5,6,7,8,9,10]}\n")
            .With("templates/a.yaml", "{{#each values.n}}{{#each ../values.n}}{{#each ../../values.n}}" + new string('x', 100) + "{{/each}}{{/each}}{{/each}}")
            .Render(limits, [], []));

        Assert.Contains("exceeds 10000 bytes", Assert.Single(error.Violations).Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_NestedLoopsThatWriteNothing_StopAtTheDeadline()
    {
        var limits = ChartLimits.Default with { RenderTimeout = TimeSpan.FromMilliseconds(200) };
        var list = "[" + string.Join(',', Enumerable.Range(0, 200)) + "]";
        var error = Assert.Throws<ValidationException>(() => new ChartBuilder(values: $"params:\n  - {{name: n, type: list, value: {list}}}\n")
            .With("templates/a.yaml", "{{#each values.n}}{{#each ../values.n}}{{#each ../../values.n}}{{#each ../../../values.n}}{{/each}}{{/each}}{{/each}}{{/each}}")
            .Render(limits, [], []));

        Assert.Contains("longer than", Assert.Single(error.Violations).Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TemplateNestedTooDeeply_IsRejectedBeforeCompiling()
    {
        var deep = string.Concat(Enumerable.Repeat("{{#if env}}", 5000)) + string.Concat(Enumerable.Repeat("{{/if}}", 5000));

        var error = Assert.Throws<ValidationException>(() => new ChartBuilder().With("templates/a.yaml", deep).Render());

        Assert.Contains("nest deeper than", Assert.Single(error.Violations).Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TooManyFiles_IsRejected()
    {
        var builder = new ChartBuilder();
        for (var i = 0; i < 10; i++)
        {
            builder.With($"templates/t{i}.yaml", ChartBuilder.Manifest("Thing", "t" + i));
        }

        var error = Assert.Throws<ValidationException>(() => builder.Load(ChartLimits.Default with { MaxFiles = 5 }));

        Assert.Contains(error.Violations, v => v.Field == "files");
    }

    [Fact]
    public void Extract_ArchiveLargerThanTheLimit_IsRejected()
    {
        var error = Assert.Throws<ValidationException>(() => ChartArchive.Extract(new byte[2048], ChartLimits.Default with { MaxArchiveBytes = 1024 }));

        Assert.Equal("archive", Assert.Single(error.Violations).Field);
    }

    [Fact]
    public void Extract_GzipBombBeyondTheUncompressedLimit_IsRejected()
    {
        var archive = TarGz(("chart/templates/big.yaml", new string(' ', 200_000)));

        var error = Assert.Throws<ValidationException>(() => ChartArchive.Extract(archive, ChartLimits.Default with { MaxTotalBytes = 100_000 }));

        Assert.Equal("archive", Assert.Single(error.Violations).Field);
    }

    [Fact]
    public void Extract_NotAnArchive_IsRejected()
    {
        var error = Assert.Throws<ValidationException>(() => ChartArchive.Extract("not gzip"u8.ToArray(), ChartLimits.Default));

        Assert.Equal("archive", Assert.Single(error.Violations).Field);
    }

    [Fact]
    public void Extract_SingleTopFolder_IsStrippedAndNamesTheChart()
    {
        var (files, top) = ChartArchive.Extract(TarGz(("my-chart/Chart.yaml", "x"), ("my-chart/templates/a.yaml", "y")), ChartLimits.Default);

        Assert.Equal("my-chart", top);
        Assert.Equal(["Chart.yaml", "templates/a.yaml"], files.Select(f => f.Path));
    }

    internal static byte[] TarGz(params (string Path, string Text)[] files)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip))
        {
            foreach (var (path, text) in files)
            {
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, path) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(text)) });
            }
        }

        return output.ToArray();
    }
}
