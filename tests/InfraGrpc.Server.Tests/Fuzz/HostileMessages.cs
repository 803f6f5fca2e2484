using System.Text;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;

namespace InfraGrpc.Server.Tests.Fuzz;

/// <summary>
/// Builds request messages for any RPC from its descriptor, field by field, with values drawn from
/// hostile corpora (deep, long, non-finite, control characters, injection strings, forged tokens) mixed
/// with plausible ones (known projects, charts and pipelines) so that requests also get past the first
/// checks. Deterministic for a given seed, so a failing case can be replayed.
/// </summary>
internal sealed class HostileMessages(FuzzTargets targets)
{
    // In "mostly valid" requests every field is plausible except about one in this many, so a request
    // gets past the first checks and its one hostile value reaches the deeper code.
    private const int HostileOneIn = 8;
    [ThreadStatic]
    private static bool _mostlyValid;

    private const int MaxMessageDepth = 6;

    private static readonly string[] Strings =
    [
        string.Empty, " ", "a", "0", "-1", "default", "acme/web", "../../etc/passwd", "/", "//", "a/b/c", "%00", "\0", "\u0001\u0007\u001b[31m",
        "\n", "\r\n", "a\nkind: Evil", "a\n---\napiVersion: x/v1\nkind: AwsIamUser\nmetadata: {name: backdoor}\nspec: {admin: true",
        "...", "}", "]", "{a: b}", "[a, b]", ": ", " #", "\"", "'", "&anchor", "*alias", "!!binary aGk=", "{{values.x}}", "{{> loop}}", "{{#each}}",
        "\u2028", "\u2029", "\u0085", "\uFDD0", "\uFEFF", "\uD800", "名前", "😀", "Infinity", "NaN", "1e400", "-0", "true", "null", "~",
        "v1:~", "djE6fg", "v2.AAAA", "v2." + new string('A', 64), "key=value", "a=b,c", "team!=a", "x in (a,b)", "=", ",", "k=", "=v",
        "web-env", "static-website", "gcp-cloud-run-environment", "1.0.0", "2.0.0-rc.1", "999.999.999", "latest", "refs/heads/main", "main", "-rf",
        "file:///etc", "http://127.0.0.1:1/x.git", "ssh://git@host/x", "AwsVpc/prod-vpc", "status.outputs.x[0]", "spec.a.b",
    ];

    private static readonly string[] Templates =
    [
        "apiVersion: x.io/v1\nkind: Thing\nmetadata: {name: a}\n",
        "{{#if}}x{{/if}}", "{{> loop}}", "{{{values.x}}}", "{{& values.x}}", "apiVersion: x/v1\0",
        "a: &a [x, x]\nb: &b [*a, *a]\nc: *b\n", "metadata: {name: a\nspec: [",
        "{{#each (split \"" + new string(',', 2_000) + "\" \",\")}}{{#each (split \"" + new string(',', 2_000) + "\" \",\")}}x{{/each}}{{/each}}",
        "{{join (split \"" + string.Join(',', Enumerable.Repeat("x", 5_000)) + "\" \",\") \"" + new string('-', 2_000) + "\"}}",
        string.Concat(Enumerable.Repeat("{{#if env}}", 200)) + string.Concat(Enumerable.Repeat("{{/if}}", 200)),
        "apiVersion: x.io/v1\nkind: A\nmetadata: {name: a, relationships: [{kind: A, name: a}]}\n",
        "apiVersion: x.io/v1\nkind: Thing\nmetadata: {name: \"{{values.x}}\"}\nspec: {v: {{values.x}} }\n",
        "apiVersion: x.io/v1\nkind: A" + new string('b', 2_000) + "\nmetadata: {name: a}\n",
        "apiVersion: x.io/v1\nkind: Thing\nmetadata: {name: \"" + string.Concat(Enumerable.Repeat("é", 200)) + "\"}\n",
    ];

    private static readonly string[] ChartPaths =
    [
        "Chart.yaml", "values.yaml", "templates/a.yaml", "templates/deep/b.yaml", "templates/_loop.hbs", "README.md", "../escape.yaml", "/abs.yaml",
        "templates/", string.Empty, "templates/\0.yaml", "templates/" + new string('a', 300) + ".yaml",
    ];

    private static readonly string[] ChartFiles =
    [
        "apiVersion: infragrpc.dev/v1\nkind: InfraChart\nmetadata: {name: fuzz-chart}\nspec: {version: 1.0.0}\n",
        "apiVersion: infra-hub.planton.ai/v1\nkind: InfraChart\nmetadata: {name: Fuzz Chart}\n",
        "params:\n  - {name: x, value: ok}\n  - {name: o, type: object, value: {}}\n  - {name: n, type: number, value: 1}\n",
        "params:\n  - {name: x, type: nonsense}\n", "params: [" + new string('[', 200) + "\n",
    ];

    /// <summary>Half of the messages are hostile throughout; the other half are plausible with a few hostile fields.</summary>
    public IMessage Build(MessageDescriptor descriptor, Random random)
    {
        _mostlyValid = random.Next(2) == 0;
        return Message(descriptor, random, 0);
    }

    /// <summary>Request bytes: the message, sometimes damaged (truncated, flipped, padded, or with a string that is not UTF-8).</summary>
    public static byte[] Encode(MessageDescriptor descriptor, IMessage message, Random random)
    {
        var bytes = message.ToByteArray();
        switch (random.Next(12))
        {
            case 0 when bytes.Length > 0:
                return bytes[..random.Next(bytes.Length)];
            case 1 when bytes.Length > 0:
                var flipped = (byte[])bytes.Clone();
                for (var i = 0; i < 1 + random.Next(4); i++)
                {
                    flipped[random.Next(flipped.Length)] ^= (byte)(1 << random.Next(8));
                }

                return flipped;
            case 2:
                var garbage = new byte[random.Next(1, 64)];
                random.NextBytes(garbage);
                return [.. bytes, .. garbage];
            case 3 when descriptor.Fields.InFieldNumberOrder().FirstOrDefault(f => f.FieldType == FieldType.String) is { } text:
                // The field's tag and length, then bytes that are not UTF-8 (a lone continuation byte, a surrogate).
                byte[] invalid = random.Next(2) == 0 ? [0x61, 0x80, 0x62] : [0xED, 0xA0, 0x80];
                return [.. bytes, (byte)((text.FieldNumber << 3) | 2), (byte)invalid.Length, .. invalid];
            default:
                return bytes;
        }
    }

    private IMessage Message(MessageDescriptor descriptor, Random random, int depth)
    {
        var message = (IMessage)Activator.CreateInstance(descriptor.ClrType)!;
        if (depth >= MaxMessageDepth)
        {
            return message;
        }

        foreach (var field in descriptor.Fields.InDeclarationOrder())
        {
            if (random.Next(4) == 0 || (field.RealContainingOneof is { } oneof && random.Next(oneof.Fields.Count) != 0))
            {
                continue;
            }

            if (field.IsMap)
            {
                var map = (System.Collections.IDictionary)field.Accessor.GetValue(message);
                var entry = field.MessageType;
                for (var i = random.Next(4); i > 0; i--)
                {
                    map[Scalar(entry.FindFieldByNumber(1), random, depth)] = Scalar(entry.FindFieldByNumber(2), random, depth);
                }
            }
            else if (field.IsRepeated)
            {
                var list = (System.Collections.IList)field.Accessor.GetValue(message);
                for (var i = random.Next(field.Name is "files" ? 6 : 4); i > 0; i--)
                {
                    list.Add(Scalar(field, random, depth));
                }
            }
            else
            {
                field.Accessor.SetValue(message, Scalar(field, random, depth));
            }
        }

        return message;
    }

    private object Scalar(FieldDescriptor field, Random random, int depth) => field.FieldType switch
    {
        FieldType.String when _mostlyValid && random.Next(HostileOneIn) != 0 => Plausible(field.Name, random),
        FieldType.Int32 when _mostlyValid && random.Next(HostileOneIn) != 0 => Pick(random, 0, 1, 2, 10),
        FieldType.Message when _mostlyValid && field.MessageType.ClrType == typeof(Struct) && random.Next(HostileOneIn) != 0 => PlausibleStruct(random),
        FieldType.String => Text(field.Name, random),
        FieldType.Bytes => ByteString.CopyFrom(Bytes(random)),
        FieldType.Bool => random.Next(2) == 0,
        FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => Pick(random, 0, 1, -1, 2, 50, 500, 501, int.MaxValue, int.MinValue, random.Next()),
        FieldType.UInt32 or FieldType.Fixed32 => Pick(random, 0u, 1u, uint.MaxValue),
        FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => Pick(random, 0L, 1L, -1L, long.MaxValue, long.MinValue),
        FieldType.UInt64 or FieldType.Fixed64 => Pick(random, 0ul, 1ul, ulong.MaxValue),
        FieldType.Double => Pick(random, 0d, 1d, -1d, double.NaN, double.PositiveInfinity, double.NegativeInfinity, double.MaxValue, double.Epsilon),
        FieldType.Float => Pick(random, 0f, 1f, float.NaN, float.PositiveInfinity),
        FieldType.Enum => System.Enum.ToObject(field.EnumType.ClrType, Pick(random, 0, 1, 2, 3, 4, 7, 99, -1)),
        FieldType.Message when field.MessageType.ClrType == typeof(Struct) => HostileStruct(random),
        FieldType.Message when field.MessageType.ClrType == typeof(Value) => Value.ForStruct(HostileStruct(random)),
        FieldType.Message when field.MessageType.ClrType == typeof(Timestamp) => new Timestamp { Seconds = Pick(random, 0L, -62135596801L, 253402300800L, long.MaxValue), Nanos = Pick(random, 0, -1, 1_000_000_000) },
        FieldType.Message when field.MessageType.ClrType == typeof(Duration) => new Duration { Seconds = Pick(random, 0L, -1L, 315576000001L), Nanos = Pick(random, 0, -1, 1_000_000_000) },
        FieldType.Message when field.MessageType.ClrType == typeof(FieldMask) => new FieldMask { Paths = { Text("path", random), Text("path", random) } },
        FieldType.Message => Message(field.MessageType, random, depth + 1),
        _ => throw new NotSupportedException(field.FieldType.ToString()),
    };

    private string Plausible(string field, Random random)
    {
        var choices = Choices(field, random);
        return choices.Count > 0 ? choices[random.Next(choices.Count)] : field switch
        {
            "url" => Pick(random, "https://example.invalid/repo.git", "https://example.invalid/" + new string('r', 5_000), "/tmp/does-not-exist"),
            "ref" => Pick(random, "main", "refs/pull/1/head", "v1.0.0"),
            "request_id" => Guid.NewGuid().ToString("N"),
            "node_key" => Pick(random, "AwsVpc/dev-vpc", "AwsEcsService/web"),
            "webhook_secret" => "s3cret",
            _ => Pick(random, "a", "fuzz", "x-1"),
        };
    }

    private IReadOnlyList<string> Choices(string field, Random random) => field switch
    {
        "project" or "project_id" => targets.Projects,
        "pipeline_id" => targets.Pipelines,
        "name" or "chart_name" => (string[])["web-env", "static-website", "fuzz-chart", "gcp-cloud-run-environment", "fuzz-new"],
        "version" => ["1.0.0", "", "2.0.0-rc.1", "1.0.0-" + new string('a', 2_000)],
        "org" => ["fuzz", "default", ""],
        "env" => ["dev", "prod", ""],
        "page_token" => targets.PageTokens,
        "set" => ["domain=a.io", "replicas=3", "replicas=1e400", "envVars" + string.Concat(Enumerable.Repeat(".a", 10_000)) + "=1", "domain=" + Strings[random.Next(Strings.Length)]],
        "path" => ChartPaths,
        "label_selector" => ["tier=gold", "team = a", "team=a,team=b", "team!=a", "a=b=c", ","],
        _ => [],
    };

    private string Text(string field, Random random)
    {
        var plausible = Choices(field, random);
        return random.Next(3) switch
        {
            0 when plausible.Count > 0 => plausible[random.Next(plausible.Count)],
            1 => Long(random),
            _ => Strings[random.Next(Strings.Length)],
        };
    }

    private static string Long(Random random) => random.Next(4) switch
    {
        0 => new string('a', Pick(random, 64, 256, 5_000, 100_000)),
        1 => string.Concat(Enumerable.Repeat("a.", Pick(random, 33, 64, 2_000))) + "b=1",
        2 => string.Concat(Enumerable.Range(0, random.Next(1, 200)).Select(_ => (char)random.Next(0, 0xD7FF))),
        _ => string.Concat(Enumerable.Repeat(Strings[random.Next(Strings.Length)], random.Next(1, 50))),
    };

    private static byte[] Bytes(Random random)
    {
        switch (random.Next(4))
        {
            case 0:
                return Encoding.UTF8.GetBytes(Templates[random.Next(Templates.Length)]);
            case 1:
                return Encoding.UTF8.GetBytes(ChartFiles[random.Next(ChartFiles.Length)]);
            case 2:
                // A gzip stream header followed by noise: an archive that is not one.
                var noise = new byte[random.Next(0, 2_048)];
                random.NextBytes(noise);
                return [0x1F, 0x8B, 0x08, 0x00, .. noise];
            default:
                var raw = new byte[random.Next(0, 512)];
                random.NextBytes(raw);
                return raw;
        }
    }

    private static Struct PlausibleStruct(Random random)
    {
        var root = new Struct();
        root.Fields["domain"] = Value.ForString(Pick(random, "a.io", "fuzz.io"));
        if (random.Next(2) == 0)
        {
            root.Fields["replicas"] = Value.ForNumber(Pick(random, 1, 3, 5));
        }

        return root;
    }

    private static Struct HostileStruct(Random random)
    {
        var root = new Struct();
        switch (random.Next(5))
        {
            case 0:
                // Deep: past the value limit but (usually) within protobuf's own recursion limit.
                var current = root;
                for (var i = Pick(random, 31, 33, 45); i > 0; i--)
                {
                    var child = new Struct();
                    current.Fields["o"] = Value.ForStruct(child);
                    current = child;
                }

                break;
            case 1:
                for (var i = 0; i < Pick(random, 10, 1_000); i++)
                {
                    root.Fields[$"k{i}"] = Value.ForString(new string('v', 100));
                }

                break;
            case 2:
                root.Fields["replicas"] = Value.ForNumber(Pick(random, double.NaN, double.PositiveInfinity, double.NegativeInfinity, 1e308));
                root.Fields["domain"] = Value.ForString("a.io");
                break;
            case 3:
                root.Fields[new string('k', Pick(random, 257, 10_000))] = Value.ForNull();
                root.Fields["errorDocument"] = Value.ForString(Strings[random.Next(Strings.Length)]);
                break;
            default:
                root.Fields["domain"] = Value.ForString(Strings[random.Next(Strings.Length)]);
                root.Fields["envVars"] = Value.ForList(Value.ForString("a"), Value.ForNull(), Value.ForBool(true));
                break;
        }

        return root;
    }

    private static T Pick<T>(Random random, params T[] choices) => choices[random.Next(choices.Length)];
}

/// <summary>Names that exist on the fuzzed server, so generated requests can reach past "not found".</summary>
internal sealed class FuzzTargets
{
    public List<string> Projects { get; } = [];

    public List<string> Pipelines { get; } = [];

    public List<string> PageTokens { get; } = ["v1:~", "djE6fg"];
}
