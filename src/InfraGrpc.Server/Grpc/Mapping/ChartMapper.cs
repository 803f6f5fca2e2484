using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using InfraGrpc.Domain.Charts;
using Proto = InfraGrpc.Contracts.V1;

namespace InfraGrpc.Server.Grpc.Mapping;

/// <summary>Maps charts between the Domain and the contract.</summary>
internal static class ChartMapper
{
    public static Proto.InfraChart ToProto(ChartVersion version, bool withFiles)
    {
        var chart = version.Chart;
        var result = new Proto.InfraChart
        {
            Name = chart.Name,
            Version = chart.Version,
            DisplayName = chart.DisplayName,
            Description = chart.Description ?? string.Empty,
            IconUrl = chart.IconUrl ?? string.Empty,
            Readme = chart.Readme ?? string.Empty,
            Digest = chart.Digest,
            PublishTime = Timestamp.FromDateTimeOffset(version.PublishedAt),
            PublishedBy = version.PublishedBy,
            Format = chart.Format == ChartFormat.Planton ? Proto.ChartFormat.Planton : Proto.ChartFormat.Infragrpc,
            BuiltIn = version.BuiltIn,
        };
        result.Parameters.Add(chart.Parameters.Select(ToProto));
        if (withFiles)
        {
            result.Files.Add(chart.Files.Select(f => new Proto.ChartFile { Path = f.Path, Content = ByteString.CopyFrom(f.Content) }));
        }

        return result;
    }

    public static Proto.ChartParameter ToProto(ChartParameter parameter)
    {
        var result = new Proto.ChartParameter
        {
            Name = parameter.Name,
            Description = parameter.Description ?? string.Empty,
            Type = parameter.Type switch
            {
                ParameterType.Number => Proto.ParameterType.Number,
                ParameterType.Bool => Proto.ParameterType.Bool,
                ParameterType.List => Proto.ParameterType.List,
                ParameterType.StringEnum => Proto.ParameterType.StringEnum,
                ParameterType.Object => Proto.ParameterType.Object,
                _ => Proto.ParameterType.String,
            },
            Required = parameter.Required,
            Sensitive = parameter.Sensitive,
        };
        if (parameter.HasDefault)
        {
            result.DefaultValue = ValueMapper.ToValue(parameter.DefaultValue);
        }

        result.EnumValues.Add(parameter.EnumValues);
        return result;
    }

    public static Proto.ChartVersionSummary ToProto(ChartVersionSummary summary) => new()
    {
        Name = summary.Name,
        Version = summary.Version,
        DisplayName = summary.DisplayName,
        Description = summary.Description ?? string.Empty,
        Digest = summary.Digest,
        PublishTime = Timestamp.FromDateTimeOffset(summary.PublishedAt),
        BuiltIn = summary.BuiltIn,
    };

    public static IReadOnlyList<ChartFile> ToDomain(Proto.ChartFiles? files) =>
        files?.Files.Select(f => new ChartFile(f.Path, f.Content.ToByteArray())).ToList() ?? [];

    public static (IReadOnlyList<IReadOnlyDictionary<string, object?>> Layers, IReadOnlyList<string> Sets) ToDomain(Proto.ValuesInput? values) =>
        values is null
            ? ([], [])
            : (values.Layers.Select(l => (IReadOnlyDictionary<string, object?>)ValueMapper.ToTree(l)).ToList(), values.Set.ToList());
}
