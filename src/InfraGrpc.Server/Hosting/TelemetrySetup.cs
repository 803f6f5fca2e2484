using InfraGrpc.Domain.Telemetry;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Console;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace InfraGrpc.Server.Hosting;

/// <summary>
/// OpenTelemetry for operators: a span per RPC (ASP.NET Core) and the pipeline spans of
/// <see cref="InfraTelemetry"/>; the server's metrics with process and runtime ones; a Prometheus scrape
/// endpoint; OTLP export when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set; JSON logs that carry trace and
/// span ids; and the <c>/healthz</c> and <c>/readyz</c> probes.
/// </summary>
internal static class TelemetrySetup
{
    public const string ReadyTag = "ready";

    public static void AddInfraGrpcTelemetry(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(InfraGrpcOptions.Section).Get<InfraGrpcOptions>()?.Telemetry ?? new TelemetryOptions();

        // JSON logs (Logging:Console:FormatterName=json) carry the TraceId and SpanId scopes of the call or pipeline.
        if (builder.Configuration["Logging:Console:FormatterOptions:IncludeScopes"] is null)
        {
            builder.Services.Configure<JsonConsoleFormatterOptions>(o => o.IncludeScopes = true);
        }

        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);
        if (!options.Enabled)
        {
            return;
        }

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("infragrpc", serviceVersion: typeof(TelemetrySetup).Assembly.GetName().Version?.ToString()))
            .WithTracing(tracing => tracing
                .AddSource(InfraTelemetry.Name)
                .AddAspNetCoreInstrumentation(o => o.Filter = http => !IsProbeOrScrape(http.Request.Path, options)))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(InfraTelemetry.Name).AddAspNetCoreInstrumentation().AddRuntimeInstrumentation().AddProcessInstrumentation();
                if (options.MetricsPath is { Length: > 0 })
                {
                    metrics.AddPrometheusExporter();
                }
            });
        if (!string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT")))
        {
            telemetry.UseOtlpExporter();
        }
    }

    public static void MapInfraGrpcTelemetry(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<InfraGrpcOptions>>().Value.Telemetry;

        // Liveness: the process answers. Readiness: the store is open and pipeline recovery is done
        // (grpc.health.v1 reports the same checks).
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) });
        if (options.Enabled && options.MetricsPath is { Length: > 0 } path)
        {
            app.MapPrometheusScrapingEndpoint(path);
        }
    }

    private static bool IsProbeOrScrape(PathString path, TelemetryOptions options) =>
        path.StartsWithSegments("/healthz") || path.StartsWithSegments("/readyz") || (options.MetricsPath is { Length: > 0 } metrics && path.StartsWithSegments(metrics));
}
