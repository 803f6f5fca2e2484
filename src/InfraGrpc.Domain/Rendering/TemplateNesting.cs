using System.Globalization;

namespace InfraGrpc.Domain.Rendering;

/// <summary>
/// A cheap pre-check before compiling: Handlebars.Net compiles nested blocks and sub-expressions
/// recursively, so a template with thousands of nested <c>{{#if}}</c> could overflow the stack.
/// </summary>
internal static class TemplateNesting
{
    /// <summary>Returns a problem description, or null when nesting stays within <paramref name="max"/>.</summary>
    public static string? Check(string text, int max)
    {
        var blocks = 0;
        var line = 1;
        for (var i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '\n':
                    line++;
                    break;
                case '{' when i + 2 < text.Length && text[i + 1] == '{':
                    var j = i + 2;
                    while (j < text.Length && text[j] is '{' or '~')
                    {
                        j++;
                    }

                    if (j < text.Length && text[j] is '#' or '^')
                    {
                        blocks++;
                    }
                    else if (j < text.Length && text[j] == '/')
                    {
                        blocks--;
                    }

                    var parens = 0;
                    for (var k = j; k < text.Length && !(text[k] == '}' && k + 1 < text.Length && text[k + 1] == '}'); k++)
                    {
                        parens += text[k] == '(' ? 1 : text[k] == ')' ? -1 : 0;
                        if (parens > max)
                        {
                            return Problem("sub-expressions", max, line);
                        }
                    }

                    if (blocks > max)
                    {
                        return Problem("blocks", max, line);
                    }

                    i = j;
                    break;
            }
        }

        return null;
    }

    private static string Problem(string what, int max, int line) =>
        $"line {line.ToString(CultureInfo.InvariantCulture)}: {what} nest deeper than {max.ToString(CultureInfo.InvariantCulture)} levels";
}
