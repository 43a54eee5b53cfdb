using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;

namespace Retail.Orleans.Hosting;

/// <summary>
/// How long a grain call may wait, and how fast a killed silo is declared dead so its grains
/// activate elsewhere (README, "Reliability"). Shared by silos and clients.
/// </summary>
public static class ClusterTimeouts
{
    public const string ResponseTimeoutSetting = "Retail:Cluster:ResponseTimeoutSeconds";
    public const int DefaultResponseTimeoutSeconds = 5;

    public static TimeSpan ResponseTimeout(IConfiguration configuration) =>
        TimeSpan.FromSeconds(configuration.GetValue(ResponseTimeoutSetting, DefaultResponseTimeoutSeconds));

    public static ISiloBuilder UseRetailTimeouts(this ISiloBuilder silo, IConfiguration configuration)
    {
        var responseTimeout = ResponseTimeout(configuration);
        silo.Configure<SiloMessagingOptions>(options => options.ResponseTimeout = responseTimeout);
        silo.Configure<ClusterMembershipOptions>(options =>
        {
            // A probe answers in milliseconds; a killed silo refuses at once. Suspected after two misses
            // (about 4 s), and the adaptive timeout never stretches a probe past 4 s.
            options.ProbeTimeout = TimeSpan.FromSeconds(2);
            options.MaxProbeTimeout = TimeSpan.FromSeconds(4);
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
