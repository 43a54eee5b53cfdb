using System.Diagnostics.Metrics;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Retail.Ledger;

namespace Retail.Api.Operations;

/// <summary>OpenTelemetry metrics in the Prometheus text format at <c>/metrics</c>.</summary>
public static class Metrics
{
    public const string ScrapePath = "/metrics";

    /// <summary>Orleans, ASP.NET Core's built-in meters (no instrumentation package needed), and our own.</summary>
    public static readonly string[] MeterNames =
    [
        "Microsoft.Orleans",
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        LedgerMetrics.MeterName,
    ];

    public static WebApplicationBuilder AddRetailMetrics(this WebApplicationBuilder builder)
    {
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("retail-api"))
            .WithMetrics(metrics => metrics
                .AddMeter(MeterNames)
                // The SDK's default buckets (0..10000) suit milliseconds; a commit takes milliseconds, counted in seconds.
                .AddView("retail.ledger.commit.duration", new ExplicitBucketHistogramConfiguration
                {
                    Boundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
                })
                .AddPrometheusExporter());
        builder.Services.ConfigureOpenTelemetryMeterProvider(OnlyOwnHostMeters);
        return builder;
    }

    /// <summary>
    /// Leaves out instruments that another host's meter factory made: tests run several silos in one
    /// process, and their Orleans meters have the same names; left in, they merge into this host's
    /// scrape, and take its series with them when their host stops.
    /// </summary>
    private static void OnlyOwnHostMeters(IServiceProvider services, MeterProviderBuilder metrics)
    {
        var own = services.GetRequiredService<IMeterFactory>();
        metrics.AddView(instrument => instrument.Meter.Scope is IMeterFactory factory && !ReferenceEquals(factory, own)
            ? MetricStreamConfiguration.Drop
            : null);
    }

    /// <summary>Outside <c>/api</c>, so the scraper needs no token; scrapes are left out of the HTTP metrics they read.</summary>
    public static WebApplication MapRetailMetrics(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint(ScrapePath).DisableHttpMetrics();
        return app;
    }
}
