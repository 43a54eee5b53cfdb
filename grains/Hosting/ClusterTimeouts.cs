using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Retail.Hosting;

/// <summary>
/// How long a grain call may wait, and how fast a killed silo is declared dead so its grains
/// activate elsewhere (README, "Reliability"). Shared by silos and clients.
/// </summary>
public static class ClusterTimeouts
{
    public static ISiloBuilder UseRetailTimeouts(this ISiloBuilder silo)
    {
        silo.Services.AddSettings<RetailClusterOptions>();
        silo.Services.AddOptions<SiloMessagingOptions>()
            .Configure<IOptions<RetailClusterOptions>>((options, cluster) => options.ResponseTimeout = cluster.Value.ResponseTimeout);
        silo.Services.AddOptions<ClusterMembershipOptions>().Configure<IOptions<RetailClusterOptions>>((options, cluster) =>
        {
            var probeTimeout = cluster.Value.ProbeTimeout;
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

    public static IClientBuilder UseRetailTimeouts(this IClientBuilder client)
    {
        client.Services.AddSettings<RetailClusterOptions>();
        client.Services.AddOptions<ClientMessagingOptions>()
            .Configure<IOptions<RetailClusterOptions>>((options, cluster) => options.ResponseTimeout = cluster.Value.ResponseTimeout);
        // The client drops a gateway whose connection fails; this re-reads the live list from the membership table.
        client.Configure<GatewayOptions>(options => options.GatewayListRefreshPeriod = TimeSpan.FromSeconds(5));
        return client;
    }
}
