using System.Globalization;
using System.Text;

namespace InfraGrpc.Domain.Rendering;

/// <summary>A string writer that reports every write to the <see cref="RenderGuard"/> (size and deadline).</summary>
internal sealed class GuardedWriter() : StringWriter(CultureInfo.InvariantCulture)
{
    public override void Write(char value)
    {
        RenderGuard.Written(1);
        base.Write(value);
    }

    public override void Write(string? value)
    {
        RenderGuard.Written(value?.Length ?? 0);
        base.Write(value);
    }

    public override void Write(char[] buffer, int index, int count)
    {
        RenderGuard.Written(count);
        base.Write(buffer, index, count);
    }

    public override void Write(ReadOnlySpan<char> buffer)
    {
        RenderGuard.Written(buffer.Length);
        base.Write(buffer);
    }

    public override void Write(StringBuilder? value)
    {
        RenderGuard.Written(value?.Length ?? 0);
        base.Write(value);
    }
}
