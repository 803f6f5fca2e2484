using HandlebarsDotNet;
using HandlebarsDotNet.IO;

namespace InfraGrpc.Domain.Rendering;

/// <summary>Writes booleans as <c>true</c>/<c>false</c> like handlebars.js, not C#'s <c>True</c>/<c>False</c>.</summary>
internal sealed class JavaScriptBoolFormatter : IFormatter, IFormatterProvider
{
    public void Format<T>(T value, in EncodedTextWriter writer) => writer.Write(value is true ? "true" : "false", false);

    public bool TryCreateFormatter(Type type, out IFormatter formatter)
    {
        formatter = this;
        return type == typeof(bool);
    }
}
