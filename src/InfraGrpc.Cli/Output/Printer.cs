using System.Globalization;
using System.Text.Json;
using Google.Protobuf;
using Spectre.Console;

namespace InfraGrpc.Cli.Output;

/// <summary>Prints results as a table (for people) or as JSON/YAML (for scripts), all on standard output.</summary>
internal sealed class Printer(CliEnvironment environment, string format)
{
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithIndentation().WithFormatDefaultValues(false));

    public string Format { get; } = format;

    public IAnsiConsole Console { get; } = CreateConsole(environment);

    /// <summary>Prints <paramref name="message"/> as JSON or YAML, or calls <paramref name="table"/> for the table format.</summary>
    public void Print(IMessage message, Action<IAnsiConsole> table)
    {
        switch (Format)
        {
            case "json":
                environment.Out.WriteLine(Formatter.Format(message));
                break;
            case "yaml":
                environment.Out.Write(YamlText.FromJson(Formatter.Format(message)));
                break;
            default:
                table(Console);
                break;
        }
    }

    public void Line(string text) => environment.Out.WriteLine(text);

    private static IAnsiConsole CreateConsole(CliEnvironment environment)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(environment.Out),
            Ansi = environment.OutputRedirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = environment.OutputRedirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = environment.OutputRedirected ? InteractionSupport.No : InteractionSupport.Detect,
        });

        // Piped output has no terminal width; wrapping tables at 80 columns would break scripts that read them.
        if (environment.OutputRedirected)
        {
            console.Profile.Width = 4096;
        }

        return console;
    }

    public static Table Table(params string[] headers)
    {
        var table = new Table().Border(TableBorder.Simple);
        foreach (var header in headers)
        {
            table.AddColumn(new TableColumn(header));
        }

        return table;
    }

    public static string Escape(string? text) => Markup.Escape(text ?? string.Empty);

    public static string Time(Google.Protobuf.WellKnownTypes.Timestamp? timestamp) =>
        timestamp is null ? string.Empty : timestamp.ToDateTimeOffset().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string Json(Google.Protobuf.WellKnownTypes.Value value) => JsonSerializer.Serialize(JsonDocument.Parse(Formatter.Format(value)).RootElement);
}
