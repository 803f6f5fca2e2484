using InfraGrpc.Domain.Charts;
using InfraGrpc.Domain.Errors;
using InfraGrpc.Domain.Values;

namespace InfraGrpc.Domain.Tests;

public sealed class ValueLimitTests
{
    private const string Values = """
        params:
          - {name: o, type: object, value: {}}
          - {name: n, type: number, value: 1}
        """;

    private static readonly ChartBuilder Chart = new ChartBuilder(values: Values).With("templates/a.yaml", ChartBuilder.Manifest("AwsVpc", "v", "{n: {{values.n}} }"));

    [Fact]
    public void Render_SetKeyAtTheDepthLimit_IsAccepted()
    {
        var key = "o" + string.Concat(Enumerable.Repeat(".a", ValueLimits.MaxDepth - 1));

        var result = Chart.Render(key + "=1");

        Assert.Single(result.Resources);
    }

    [Theory]
    [InlineData(ValueLimits.MaxDepth)]
    [InlineData(63)]
    [InlineData(10_000)]
    public void Render_SetKeyPastTheDepthLimit_IsAValidationErrorNotACrash(int dots)
    {
        var key = "o" + string.Concat(Enumerable.Repeat(".a", dots));

        var error = Assert.Throws<ValidationException>(() => Chart.Render(key + "=1"));

        Assert.Equal("set[0]", Assert.Single(error.Violations).Field);
    }

    [Theory]
    [InlineData(ValueLimits.MaxKeyLength, true)]
    [InlineData(ValueLimits.MaxKeyLength + 1, false)]
    public void Render_SetKeyLength_IsBoundedAtTheLimit(int length, bool accepted)
    {
        var key = "o." + new string('k', length - 2);

        var outcome = Record.Exception(() => Chart.Render(key + "=1"));

        Assert.Equal(accepted, outcome is null);
    }

    [Theory]
    [InlineData(ValueLimits.MaxDepth, true)]
    [InlineData(ValueLimits.MaxDepth + 1, false)]
    public void Render_ValueLayerDepth_IsBoundedAtTheLimit(int depth, bool accepted)
    {
        // The layer itself is one level; the parameter's value fills the rest.
        object? value = 1L;
        for (var i = 1; i < depth; i++)
        {
            value = new Dictionary<string, object?> { ["a"] = value };
        }

        var outcome = Record.Exception(() => Chart.Render(null, [new Dictionary<string, object?> { ["o"] = value }], []));

        Assert.Equal(accepted, outcome is null);
    }

    [Fact]
    public void Render_ValueLayerPastTheDepthLimit_IsAValidationError()
    {
        object? deep = 1L;
        for (var i = 0; i < 20_000; i++)
        {
            deep = new Dictionary<string, object?> { ["a"] = deep };
        }

        var error = Assert.Throws<ValidationException>(() => Chart.Render(null, [new Dictionary<string, object?> { ["o"] = deep }], []));

        Assert.Equal("values.layers[0]", Assert.Single(error.Violations).Field);
    }

    [Theory]
    [InlineData("n=1e400")]
    [InlineData("n=-1e999")]
    public void Render_NumberThatIsNotFinite_IsAValidationError(string set)
    {
        var error = Assert.Throws<ValidationException>(() => Chart.Render(set));

        Assert.Equal("values.n", Assert.Single(error.Violations).Field);
    }

    [Theory]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NaN)]
    public void Render_NonFiniteNumberInALayer_IsAValidationError(double number)
    {
        var error = Assert.Throws<ValidationException>(() => Chart.Render(null, [new Dictionary<string, object?> { ["n"] = number }], []));

        Assert.Equal("values.layers[0]", Assert.Single(error.Violations).Field);
    }

    [Fact]
    public void Render_HugeJoinInAHelper_IsRefusedBeforeItIsBuilt()
    {
        var items = string.Join(',', Enumerable.Repeat("x", 500_000));
        var separator = new string('-', 2_000);
        var chart = new ChartBuilder(values: Values).With("templates/a.yaml", $"{{{{join (split \"{items}\" \",\") \"{separator}\"}}}}");
        var before = GC.GetTotalAllocatedBytes();

        var error = Assert.Throws<ValidationException>(() => chart.Render());

        Assert.Contains("helper would build", Assert.Single(error.Violations).Description, StringComparison.Ordinal);
        Assert.True(GC.GetTotalAllocatedBytes() - before < 512L * 1024 * 1024, "the join was refused before a gigabyte string was allocated");
    }

    [Theory]
    [InlineData(4_900, true)]
    [InlineData(5_001, false)]
    public void Render_HelperResultAtAndPastTheOutputLimit_IsBoundedBeforeItIsBuilt(int items, bool accepted)
    {
        var limits = ChartLimits.Default with { MaxRenderedBytes = 10_000 };
        var list = string.Join(',', Enumerable.Repeat("x", items));
        var chart = new ChartBuilder(values: Values).With("templates/a.yaml", ChartBuilder.Manifest("AwsVpc", "v", $"{{v: {{{{join (split \"{list}\" \",\") \"-\"}}}} }}"));

        var outcome = Record.Exception(() => chart.Render(limits, [], []));

        Assert.Equal(accepted, outcome is null);
        if (!accepted)
        {
            Assert.Contains("helper would build 10001 characters", Assert.IsType<ValidationException>(outcome).Violations[0].Description, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Render_UnclosedFlowCollections_IsAValidationErrorNamingTheFile()
    {
        var chart = new ChartBuilder(values: Values).With("templates/a.yaml", "metadata: {name: a\nspec: [");

        var error = Assert.Throws<ValidationException>(() => chart.Render());

        Assert.Equal("templates/a.yaml", Assert.Single(error.Violations).Field);
    }
}
