using InfraGrpc.Domain.Charts;
using InfraGrpc.Domain.Errors;
using InfraGrpc.Server.Hosting;
using InfraGrpc.Server.Logging;
using Microsoft.Extensions.Options;

namespace InfraGrpc.Server.Catalog;

/// <summary>
/// Publishes the built-in chart catalog (one folder per chart) at start-up, before the server takes
/// calls. Publishing is idempotent, so restarts change nothing; a folder whose version exists with other
/// content is reported and skipped, because published versions are immutable.
/// </summary>
internal sealed class BuiltInChartLoader(
    ChartCatalog catalog,
    IOptions<InfraGrpcOptions> options,
    ILogger<BuiltInChartLoader> logger) : IHostedService
{
    public const string Actor = "system";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var directory = options.Value.ChartsDirectory ?? Path.Combine(AppContext.BaseDirectory, "charts");
        if (directory.Length == 0 || !Directory.Exists(directory))
        {
            return;
        }

        foreach (var chartDirectory in Directory.EnumerateDirectories(directory).Order(StringComparer.Ordinal))
        {
            try
            {
                var files = ChartArchive.ReadDirectory(chartDirectory, ChartLimits.Default);
                var content = new ChartContent(files, null, Path.GetFileName(chartDirectory), null);
                var (version, already) = await catalog.PublishAsync(content, Actor, builtIn: true, cancellationToken);
                Log.BuiltInChart(logger, version.Chart.Name, version.Chart.Version, already ? "already published" : "published");
            }
            catch (DomainException e)
            {
                Log.BuiltInChartRejected(logger, chartDirectory, e.Message);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
