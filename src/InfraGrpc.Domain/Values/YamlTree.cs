using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace InfraGrpc.Domain.Values;

/// <summary>One YAML document of a stream, with the 1-based line it starts on and its own text.</summary>
public sealed record YamlDocument(object? Root, int Line, string Text = "");

/// <summary>A YAML text that could not be read; <see cref="Line"/> is 1-based (0 when unknown).</summary>
public sealed class YamlFormatException(string message, int line) : Exception(message)
{
    public int Line { get; } = line;
}

/// <summary>
/// Reads YAML into value trees with the YAML 1.2 core schema (plain <c>true</c>, <c>42</c>, <c>1.5</c>,
/// <c>null</c> are typed; quoted scalars are strings). It walks the parser's events with an explicit
/// stack, so hostile nesting gives an error instead of a stack overflow, and it refuses aliases, so a
/// "billion laughs" document cannot expand.
/// </summary>
public static partial class YamlTree
{
    /// <summary>The deepest nesting accepted in any YAML or JSON input.</summary>
    public const int MaxDepth = 64;

    /// <summary>Parses every document of a YAML stream, including empty ones (their root is null).</summary>
    /// <param name="text">The YAML stream.</param>
    /// <param name="observe">Sees every parser event in stream order (for checks on positions).</param>
    public static IReadOnlyList<YamlDocument> ParseDocuments(string text, Action<ParsingEvent>? observe = null)
    {
        var documents = new List<YamlDocument>();
        var parser = new Parser(new StringReader(text));
        var stack = new Stack<Frame>();
        object? root = null;
        var documentLine = 1;
        var documentStart = 0L;
        try
        {
            while (parser.MoveNext())
            {
                var current = parser.Current!;
                observe?.Invoke(current);
                switch (current)
                {
                    case DocumentStart start:
                        root = null;
                        documentLine = (int)start.Start.Line;
                        documentStart = start.IsImplicit ? start.Start.Index : start.End.Index;
                        break;
                    case DocumentEnd end:
                        // The document's own text, as written: no re-emission, so a manifest reads the way its template wrote it.
                        var length = (int)Math.Clamp(end.Start.Index - documentStart, 0, text.Length - documentStart);
                        var own = text.Substring((int)documentStart, length).Trim('\n', '\r', ' ');
                        documents.Add(new YamlDocument(root, documentLine, own.Length == 0 ? string.Empty : own + "\n"));
                        break;
                    case AnchorAlias alias:
                        throw new YamlFormatException($"YAML aliases are not supported (*{alias.Value})", (int)alias.Start.Line);
                    case Scalar scalar:
                        Add(stack, ref root, TypeScalar(scalar), (int)scalar.Start.Line);
                        break;
                    case SequenceStart sequenceStart:
                        Push(stack, new List<object?>(), (int)sequenceStart.Start.Line);
                        break;
                    case MappingStart mappingStart:
                        Push(stack, ValueTree.NewMap(), (int)mappingStart.Start.Line);
                        break;
                    case SequenceEnd or MappingEnd:
                        var done = stack.Pop();
                        Add(stack, ref root, done.Container, (int)current.Start.Line);
                        break;
                }
            }
        }
        catch (YamlException e)
        {
            throw new YamlFormatException(e.Message, (int)e.Start.Line);
        }
        catch (InvalidOperationException e)
        {
            // YamlDotNet's scanner throws this (not a YamlException) on some unterminated flow collections.
            throw new YamlFormatException("unexpected end of the text: " + e.Message, 0);
        }

        return documents;
    }

    /// <summary>Parses a single-document YAML text; an empty text gives null.</summary>
    public static object? Parse(string text)
    {
        var documents = ParseDocuments(text);
        return documents.Count switch
        {
            0 => null,
            1 => documents[0].Root,
            _ => throw new YamlFormatException("expected one YAML document, found " + documents.Count, documents[1].Line),
        };
    }

    /// <summary>Types a plain scalar by the core schema; quoted and block scalars stay strings.</summary>
    public static object? TypePlainScalar(string value)
    {
        switch (value)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return true;
            case "false" or "False" or "FALSE":
                return false;
        }

        if (IntegerPattern().IsMatch(value) && long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
        {
            return l;
        }

        // A literal too large for a double (1e400) stays a string: non-finite numbers have no JSON or protobuf form.
        if (FloatPattern().IsMatch(value) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d))
        {
            return d;
        }

        return value;
    }

    private static object? TypeScalar(Scalar scalar) =>
        scalar.Style == ScalarStyle.Plain && scalar.Tag.IsEmpty ? TypePlainScalar(scalar.Value) : scalar.Value;

    private static void Push(Stack<Frame> stack, object container, int line)
    {
        if (stack.Count >= MaxDepth)
        {
            throw new YamlFormatException($"nesting deeper than {MaxDepth} levels", line);
        }

        stack.Push(new Frame(container));
    }

    private static void Add(Stack<Frame> stack, ref object? root, object? value, int line)
    {
        if (stack.Count == 0)
        {
            root = value;
            return;
        }

        var frame = stack.Peek();
        switch (frame.Container)
        {
            case List<object?> list:
                list.Add(value);
                break;
            case Dictionary<string, object?> map when frame.PendingKey is null:
                if (value is not (string or long or double or bool))
                {
                    throw new YamlFormatException("mapping keys must be scalars", line);
                }

                var key = ValueTree.ToDisplayString(value);
                if (map.ContainsKey(key))
                {
                    throw new YamlFormatException($"duplicate key '{key}'", line);
                }

                frame.PendingKey = key;
                break;
            case Dictionary<string, object?> map:
                map[frame.PendingKey!] = value;
                frame.PendingKey = null;
                break;
        }
    }

    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatPattern();

    private sealed class Frame(object container)
    {
        public object Container { get; } = container;

        public string? PendingKey { get; set; }
    }
}
