using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;

namespace Retail.Hosting;

/// <summary>
/// How long a grain call may wait, and how fast a killed silo is declared dead so its grains
/// activate elsewhere (README, "Reliability"). Shared by silos and clients.
/// </summary>
public static class ClusterTimeouts
{
    public const string ResponseTimeoutSetting = "Retail:Cluster:ResponseTimeoutSeconds";
    public const int DefaultResponseTimeoutSeconds = 5;

    public static TimeSpan ResponseTimeout(IConfiguration configuration) => Seconds(configuration, ResponseTimeoutSetting, DefaultResponseTimeoutSeconds);

    public const string ProbeTimeoutSetting = "Retail:Cluster:ProbeTimeoutSeconds";

    /// <summary>
    /// One second: a killed silo is suspected after its next two probes, so receipts are back within about
    /// 2 s of a kill (measured, README "Reliability"). The test suite's clusters use 2 s: there hundreds of
    /// tests share two cores and a probe of a healthy silo can go unanswered for a second.
    /// </summary>
    public const double DefaultProbeTimeoutSeconds = 1;

    public static TimeSpan ProbeTimeout(IConfiguration configuration) => Seconds(configuration, ProbeTimeoutSetting, DefaultProbeTimeoutSeconds);

    /// <summary>A setting in seconds; anything but a number from 0.1 to 300 stops start-up with a line that names it.</summary>
    private static TimeSpan Seconds(IConfiguration configuration, string key, double fallback)
    {
        var text = configuration[key];
        if (text is null)
            return TimeSpan.FromSeconds(fallback);
        if (!double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var seconds) || seconds is < 0.1 or > 300)
            throw new InvalidOperationException($"{key.Replace(":", "__")} is '{text}'; it is a number of seconds from 0.1 to 300.");
        return TimeSpan.FromSeconds(seconds);
    }

    public static ISiloBuilder UseRetailTimeouts(this ISiloBuilder silo, IConfiguration configuration)
    {
        var responseTimeout = ResponseTimeout(configuration);
        var probeTimeout = ProbeTimeout(configuration);
        silo.Configure<SiloMessagingOptions>(options => options.ResponseTimeout = responseTimeout);
        silo.Configure<ClusterMembershipOptions>(options =>
        {
            // A probe answers in milliseconds; a killed silo refuses at once. Suspected after two misses
            // (within two probe periods), and the adaptive timeout never stretches a probe past twice the setting.
            options.ProbeTimeout = probeTimeout;
            options.MaxProbeTimeout = 2 * probeTimeout;
            options.NumMissedProbesLimit = 2;
            // Every silo probes every other one (up to ten), so two votes come about as fast as one,
            // and one confused silo cannot evict a healthy one. Orleans asks fewer in a two-silo cluster.
            options.NumVotesForDeathDeclaration = 2;
            // Long enough for the second vote to meet the first, short enough that an old blip does not count.
            options.DeathVoteExpirationTimeout = TimeSpan.FromSeconds(20);
            // Gossip spreads a death at once; the table read is the fallback when a message was lost.
            options.TableRefreshTimeout = TimeSpan.FromSeconds(5);
            // The heartbeat row: three missed (15 s) mark a silo stale for probing and voting.
            options.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);
        });
        return silo;
    }

    public static IClientBuilder UseRetailTimeouts(this IClientBuilder client, IConfiguration configuration)
    {
        var responseTimeout = ResponseTimeout(configuration);
        client.Configure<ClientMessagingOptions>(options => options.ResponseTimeout = responseTimeout);
        // The client drops a gateway whose connection fails; this re-reads the live list from the membership table.
        client.Configure<GatewayOptions>(options => options.GatewayListRefreshPeriod = TimeSpan.FromSeconds(5));
        return client;
    }
}
