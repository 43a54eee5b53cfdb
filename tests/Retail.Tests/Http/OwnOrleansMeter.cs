using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;

namespace Retail.Tests.Http;

/// <summary>
/// The API host's Orleans meter under a name of its own. Every Orleans host in this test process
/// (test clusters, PostgreSQL silos, clients) publishes a meter named "Microsoft.Orleans"; the API's
/// exporter listens by name and merges their instruments into one series, so the first of those hosts
/// to stop would take the API's Orleans series with it. One process per host, as deployed, has no such problem.
/// </summary>
public sealed class OwnOrleansMeter : IMeterFactory
{
    public const string OrleansMeter = "Microsoft.Orleans";
    public const string Name = OrleansMeter + ".api-under-test";

    private readonly Dictionary<(string, string?), Meter> meters = [];

    public static void AddTo(IServiceCollection services)
    {
        services.AddSingleton<IMeterFactory, OwnOrleansMeter>();
        services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddMeter(Name));
    }

    public Meter Create(MeterOptions options)
    {
        var name = options.Name == OrleansMeter ? Name : options.Name;
        lock (meters)
        {
            if (!meters.TryGetValue((name, options.Version), out var meter))
                meters[(name, options.Version)] = meter = new Meter(new MeterOptions(name) { Version = options.Version, Tags = options.Tags, Scope = this });
            return meter;
        }
    }

    public void Dispose()
    {
        lock (meters)
        {
            foreach (var meter in meters.Values)
                meter.Dispose();
            meters.Clear();
        }
    }
}
