using InfraGrpc.Domain.Charts;
using InfraGrpc.Domain.Errors;
using InfraGrpc.Domain.Values;

namespace InfraGrpc.Domain.Tests;

public sealed class ChartParameterValidationTests
{
    private const string Params = """
        params:
          - {name: region, description: AWS region, type: string, value: us-east-1}
          - {name: azCount, type: number, value: 2}
          - {name: httpsEnabled, type: bool, value: true}
          - {name: size, type: string_enum, enum_values: [small, medium, large], value: small}
          - {name: cidrs, type: list, value: [10.0.0.0/16]}
          - {name: tags, type: object, value: {team: core, tier: web}}
          - {name: domain, type: string, required: true}
        """;

    private static readonly IReadOnlyList<ChartParameter> Parameters = ReadParameters(Params);

    [Fact]
    public void Read_PlantonParams_TypesAndDefaultsAreKept()
    {
        Assert.Equal(
            [ParameterType.String, ParameterType.Number, ParameterType.Bool, ParameterType.StringEnum, ParameterType.List, ParameterType.Object, ParameterType.String],
            Parameters.Select(p => p.Type));
        Assert.Equal(2L, Parameters[1].DefaultValue);
        Assert.True(Parameters[6].Required);
        Assert.False(Parameters[6].HasDefault);
    }

    [Fact]
    public void Read_BareListWithoutParamsKey_IsAcceptedLikeOlderPlantonCharts()
    {
        var parameters = ReadParameters("- {name: region, value: us-east-1}\n- {name: port, value: \"8080\"}\n");

        Assert.Equal(["region", "port"], parameters.Select(p => p.Name));
    }

    [Fact]
    public void Resolve_OnlyRequiredGiven_FillsEveryDefault()
    {
        var resolved = Resolve([Map("domain: acme.io")], []);

        Assert.Equal("us-east-1", resolved.Resolved["region"]);
        Assert.Equal(2L, resolved.Resolved["azCount"]);
        Assert.Equal(true, resolved.Resolved["httpsEnabled"]);
        Assert.Equal(["10.0.0.0/16"], (IEnumerable<object?>)resolved.Resolved["cidrs"]!);
        Assert.Equal(["domain"], resolved.Supplied.Keys);
    }

    [Fact]
    public void Resolve_EveryKindOfProblem_ReportsAllViolationsAtOnce()
    {
        var error = Assert.Throws<ValidationException>(() => Resolve(
            [Map("region: 3\nazCount: two\nhttpsEnabled: yes-please\nsize: huge\ncidrs: 10.0.0.0/8\ntags: [a]\nnope: 1")],
            []));

        Assert.Equal(
            ["values.azCount", "values.cidrs", "values.domain", "values.httpsEnabled", "values.nope", "values.region", "values.size", "values.tags"],
            error.Violations.Select(v => v.Field).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Resolve_LaterLayersWinAndMapsMergeDeeply()
    {
        var resolved = Resolve(
            [Map("domain: a.io\nregion: eu-west-1\ntags: {team: payments, extra: {x: 1}}"), Map("domain: b.io\ntags: {extra: {y: 2}}")],
            []);

        Assert.Equal("b.io", resolved.Resolved["domain"]);
        Assert.Equal("eu-west-1", resolved.Resolved["region"]);
        var tags = (IReadOnlyDictionary<string, object?>)resolved.Resolved["tags"]!;
        Assert.Equal("payments", tags["team"]);
        Assert.Equal("web", tags["tier"]);
        var extra = (IReadOnlyDictionary<string, object?>)tags["extra"]!;
        Assert.Equal(1L, extra["x"]);
        Assert.Equal(2L, extra["y"]);
    }

    [Fact]
    public void Resolve_SetOverridesLayersAndIsTypedByTheDeclaredType()
    {
        var resolved = Resolve(
            [Map("domain: a.io\nazCount: 5")],
            ["azCount=3", "httpsEnabled=false", "region=123", "cidrs={10.1.0.0/16,10.2.0.0/16}", "tags.owner=ops", "size=large", "domain=c.io"]);

        Assert.Equal(3L, resolved.Resolved["azCount"]);
        Assert.Equal(false, resolved.Resolved["httpsEnabled"]);
        Assert.Equal("123", resolved.Resolved["region"]);
        Assert.Equal(["10.1.0.0/16", "10.2.0.0/16"], (IEnumerable<object?>)resolved.Resolved["cidrs"]!);
        Assert.Equal("ops", ((IReadOnlyDictionary<string, object?>)resolved.Resolved["tags"]!)["owner"]);
        Assert.Equal("c.io", resolved.Resolved["domain"]);
    }

    [Fact]
    public void Resolve_BadSets_ReportEachOne()
    {
        var error = Assert.Throws<ValidationException>(() => Resolve(
            [],
            ["azCount=many", "httpsEnabled=maybe", "noequals", "region.sub=x", "unknown=1", "cidrs=notalist", "domain=ok.io"]));

        Assert.Equal(
            ["set[2]", "values.azCount", "values.cidrs", "values.httpsEnabled", "values.region", "values.unknown"],
            error.Violations.Select(v => v.Field).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Read_BadDeclarations_AreReportedPerParameter()
    {
        var violations = new List<FieldViolation>();
        ParameterDefinitions.Read(
            """
            params:
              - {name: ok}
              - {name: ok}
              - {name: "bad name"}
              - {name: t, type: decimal}
              - {name: e, type: string_enum}
              - {name: d, type: number, value: abc}
            """,
            violations);

        Assert.Equal(5, violations.Count);
        Assert.Contains(violations, v => v.Field == "values.yaml.params.d.value");
    }

    private static ResolvedValues Resolve(IReadOnlyList<IReadOnlyDictionary<string, object?>> layers, IReadOnlyList<string> sets) =>
        ValuesResolver.Resolve(Parameters, layers, sets);

    private static IReadOnlyDictionary<string, object?> Map(string yaml) => (IReadOnlyDictionary<string, object?>)YamlTree.Parse(yaml)!;

    private static IReadOnlyList<ChartParameter> ReadParameters(string yaml)
    {
        var violations = new List<FieldViolation>();
        var parameters = ParameterDefinitions.Read(yaml, violations);
        Assert.Empty(violations);
        return parameters;
    }
}
