using HandlebarsDotNet;
using InfraGrpc.Domain.Charts;
using InfraGrpc.Domain.Errors;

namespace InfraGrpc.Domain.Rendering;

/// <summary>
/// A chart version's templates compiled once in an isolated Handlebars environment: HTML escaping off,
/// unresolved bindings an error, our helpers, and partials wrapped so their depth is counted.
/// </summary>
internal sealed class CompiledChart
{
    private CompiledChart(IReadOnlyList<(string Path, HandlebarsTemplate<TextWriter, object, object> Render)> templates)
    {
        Templates = templates;
    }

    public IReadOnlyList<(string Path, HandlebarsTemplate<TextWriter, object, object> Render)> Templates { get; }

    /// <exception cref="ValidationException">A template or partial does not compile, or nests too deeply.</exception>
    public static CompiledChart Compile(ChartDefinition chart, ChartLimits limits)
    {
        var handlebars = CreateEnvironment();
        var violations = new List<FieldViolation>();

        foreach (var partial in chart.Partials)
        {
            var compiled = CompileOne(handlebars, partial, limits, violations);
            if (compiled is null)
            {
                continue;
            }

            var name = ChartLoader.PartialName(partial.Path);
            handlebars.RegisterTemplate(name, (writer, context, data) =>
            {
                RenderGuard.EnterPartial(name);
                try
                {
                    compiled(writer, context, data);
                }
                finally
                {
                    RenderGuard.ExitPartial();
                }
            });
        }

        var templates = new List<(string, HandlebarsTemplate<TextWriter, object, object>)>();
        foreach (var template in chart.Templates)
        {
            if (CompileOne(handlebars, template, limits, violations) is { } compiled)
            {
                templates.Add((template.Path, compiled));
            }
        }

        if (violations.Count > 0)
        {
            throw new ValidationException(violations);
        }

        return new CompiledChart(templates);
    }

    /// <summary>An isolated Handlebars environment: no HTML escaping, unresolved bindings an error, our helpers.</summary>
    internal static IHandlebars CreateEnvironment()
    {
        var handlebars = Handlebars.Create(new HandlebarsConfiguration
        {
            TextEncoder = new MarkingTextEncoder(),
            ThrowOnUnresolvedBindingExpression = true,
        });
        handlebars.Configuration.FormatterProviders.Add(new JavaScriptBoolFormatter());
        handlebars.Configuration.FormatterProviders.Add(new EmittedNodeFormatter());
        TemplateHelpers.Register(handlebars);
        return handlebars;
    }

    // Triple-stash and {{& }} write a value without the marks that let the renderer prove it stayed one
    // YAML scalar, so a value could add keys or documents through them; with no HTML escaping they are
    // never needed. NUL and the mark characters have no place in a YAML template either.
    private static string? UncheckedOutput(string text)
    {
        var line = 1;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\n')
            {
                line++;
            }
            else if (c == '\0' || OutputMarks.IsMark(c))
            {
                return $"line {line}: the template contains the character U+{(int)c:X4}, which YAML templates may not hold";
            }
            else if (c == '{' && i + 2 < text.Length && text[i + 1] == '{')
            {
                var j = i + 2;
                if (j < text.Length && text[j] == '~')
                {
                    j++;
                }

                if (j < text.Length && text[j] is '{' or '&')
                {
                    return $"line {line}: '{{{{{text[j]}' writes a value unchecked; use {{{{expression}}}} (nothing is HTML-escaped) or {{{{quote expression}}}}";
                }
            }
        }

        return null;
    }

    private static HandlebarsTemplate<TextWriter, object, object>? CompileOne(
        IHandlebars handlebars, ChartFile file, ChartLimits limits, List<FieldViolation> violations)
    {
        var text = file.Text;
        if (UncheckedOutput(text) is { } outputProblem)
        {
            violations.Add(new FieldViolation(file.Path, outputProblem));
            return null;
        }

        if (TemplateNesting.Check(text, limits.MaxTemplateNesting) is { } nestingProblem)
        {
            violations.Add(new FieldViolation(file.Path, nestingProblem));
            return null;
        }

        try
        {
            using var reader = new StringReader(text);
            return handlebars.Compile(reader);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Handlebars.Net throws more than HandlebarsException on malformed input ({{#if}} with no argument).
            violations.Add(new FieldViolation(file.Path, "template does not compile: " + e.Message));
            return null;
        }
    }
}
