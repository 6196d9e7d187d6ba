using Coaching.Domain.Common;
using Coaching.Server.Outbox;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Coaching.Server.Hosting;

/// <summary>
/// OpenTelemetry, off by default (then nothing is registered and nothing is measured). <c>Coaching:Telemetry:Enabled</c>,
/// an OTLP endpoint or the Prometheus endpoint turns it on: incoming calls (ASP.NET Core: gRPC, REST, feeds), store calls and
/// outgoing webhook calls as spans; the service's meters (bookings, refusals, enrolments, slot computation, store latency,
/// deliveries) and ASP.NET Core's own as metrics.
/// </summary>
public static class TelemetrySetup
{
    /// <summary>The Prometheus scrape path (on every endpoint; scrape the web port).</summary>
    public const string PrometheusPath = "/metrics";

    /// <summary>Whether the configuration turns telemetry on.</summary>
    public static bool IsOn(IConfiguration configuration)
    {
        var section = configuration.GetSection($"{CoachingOptions.Section}:Telemetry");
        return section.GetValue<bool>(nameof(TelemetryOptions.Enabled)) || !string.IsNullOrWhiteSpace(section[nameof(TelemetryOptions.OtlpEndpoint)])
            || section.GetValue<bool>(nameof(TelemetryOptions.Prometheus));
    }

    /// <summary>Registers tracing and metrics (after the store, whose calls it wraps), when the configuration turns them on.</summary>
    public static IServiceCollection AddCoachingTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        if (!IsOn(configuration))
        {
            return services;
        }

        var options = configuration.GetSection($"{CoachingOptions.Section}:Telemetry").Get<TelemetryOptions>() ?? new TelemetryOptions();
        services.AddStoreTracing(configuration[$"{CoachingOptions.Section}:{nameof(CoachingOptions.Store)}"] ?? CoachingOptions.Sqlite);
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(options.ServiceName))
            .WithTracing(tracing =>
            {
                tracing.AddSource(Telemetry.Name).AddAspNetCoreInstrumentation(o => o.Filter = c => c.Request.Path != PrometheusPath)
                    .AddHttpClientInstrumentation();
                if (!string.IsNullOrWhiteSpace(options.OtlpEndpoint))
                {
                    tracing.AddOtlpExporter(o => o.Endpoint = new Uri(options.OtlpEndpoint));
                }
            })
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(Telemetry.Name, OutboxDispatcher.MeterName, "Coaching.Storage.Sqlite").AddAspNetCoreInstrumentation();
                if (!string.IsNullOrWhiteSpace(options.OtlpEndpoint))
                {
                    metrics.AddOtlpExporter(o => o.Endpoint = new Uri(options.OtlpEndpoint));
                }

                if (options.Prometheus)
                {
                    metrics.AddPrometheusExporter();
                }
            });
        _ = telemetry;
        return services;
    }

    /// <summary>Maps the Prometheus scrape endpoint when it is on.</summary>
    public static WebApplication MapCoachingTelemetry(this WebApplication app)
    {
        if (app.Services.GetRequiredService<CoachingOptions>().Telemetry.Prometheus)
        {
            app.MapPrometheusScrapingEndpoint(PrometheusPath).AllowAnonymous();
        }

        return app;
    }
}

/// <summary>The <c>Coaching:Telemetry</c> settings.</summary>
public sealed class TelemetryOptions
{
    /// <summary>Collect traces and metrics even without an exporter configured here (an exporter added in code, as tests do).</summary>
    public bool Enabled { get; set; }

    /// <summary>OTLP endpoint (e.g. <c>http://collector:4317</c>) that traces and metrics are exported to.</summary>
    public string OtlpEndpoint { get; set; } = string.Empty;

    /// <summary>Serve metrics for Prometheus at <c>/metrics</c>.</summary>
    public bool Prometheus { get; set; }

    /// <summary>The <c>service.name</c> resource attribute.</summary>
    public string ServiceName { get; set; } = "coaching";
}
