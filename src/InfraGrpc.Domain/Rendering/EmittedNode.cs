using HandlebarsDotNet;
using HandlebarsDotNet.IO;

namespace InfraGrpc.Domain.Rendering;

/// <summary>
/// YAML text that a helper emitted from a value (<c>yaml</c>, <c>json</c>, <c>quote</c>, and <c>indent</c>
/// of those): written with node marks instead of scalar marks, so it may span lines and collections but
/// must still be exactly one YAML node where the template put it.
/// </summary>
internal sealed record EmittedNode(string Text)
{
    public override string ToString() => Text;
}

/// <summary>Writes an <see cref="EmittedNode"/> between node marks, bypassing the scalar encoder.</summary>
internal sealed class EmittedNodeFormatter : IFormatter, IFormatterProvider
{
    public void Format<T>(T value, in EncodedTextWriter writer)
    {
        var node = value as EmittedNode;
        writer.Write(OutputMarks.NodeOpen + OutputMarks.Neutralize(node?.Text ?? string.Empty) + OutputMarks.NodeClose, false);
    }

    public bool TryCreateFormatter(Type type, out IFormatter formatter)
    {
        formatter = this;
        return type == typeof(EmittedNode);
    }
}
