using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Core.Internal;
using Retail.Common;
using Retail.Hosting;
using Retail.Stock;

namespace Retail.Bench;

/// <summary>
/// The real silo in this process, wired as the API and the stand-alone silo wire it (<see cref="RetailSilo.AddRetailSilo"/>):
/// the embedded mode without a connection string, the PostgreSQL mode (schema migrated on start) with one.
/// Free ports and a cluster id of the run's own, so it never meets another silo on this machine.
/// </summary>
public static class InProcessSilo
{
    /// <summary>The grain type name of a stock grain in the management grain's statistics.</summary>
    private static readonly string StockGrainType = $"{typeof(StockGrain).FullName},{typeof(StockGrain).Assembly.GetName().Name}";

    public static async Task<IHost> StartAsync(string? connectionString, string clusterId, Action<ISiloBuilder>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            // Set either way: a ConnectionStrings__Retail in the environment must not turn the embedded mode into the other.
            ["ConnectionStrings:" + RetailSilo.ConnectionStringName] = connectionString ?? "",
            ["Retail:Cluster:ClusterId"] = clusterId,
            ["Retail:Cluster:SiloPort"] = FreePort(),
            ["Retail:Cluster:GatewayPort"] = FreePort(),
            ["Retail:Cluster:AdvertisedAddress"] = "127.0.0.1",
        });
        builder.AddRetailSilo(configure);
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    public static IGrainFactory Grains(this IHost host) => host.Services.GetRequiredService<IGrainFactory>();

    public static IStockGrain Stock(this IGrainFactory grains, Pair pair) => grains.Get<IStockGrain>(GrainKeys.Stock(pair.StoreId, pair.Sku));

    /// <summary>Stock grain activations in the cluster (this one silo), as the management grain counts them.</summary>
    public static async Task<int> StockActivationsAsync(this IGrainFactory grains)
    {
        var statistics = await grains.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics();
        return statistics.Where(s => s.GrainType == StockGrainType).Sum(s => s.ActivationCount);
    }

    /// <summary>Every activation in the cluster, whatever its type.</summary>
    public static async Task<int> AllActivationsAsync(this IGrainFactory grains) =>
        (await grains.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics()).Sum(s => s.ActivationCount);

    /// <summary>
    /// Deactivates these pairs' stock grains and waits until the silo holds no stock grain at all, so the
    /// next call on each activates it afresh from the ledger.
    /// </summary>
    public static async Task DeactivateAllStockAsync(this IGrainFactory grains, IReadOnlyList<Pair> pairs)
    {
        await Parallel.ForEachAsync(pairs, new ParallelOptions { MaxDegreeOfParallelism = 64 },
            async (pair, _) => await grains.Stock(pair).AsReference<IGrainManagementExtension>().DeactivateOnIdle());
        var started = Stopwatch.GetTimestamp();
        int left;
        while ((left = await grains.StockActivationsAsync()) > 0)
        {
            if (Stopwatch.GetElapsedTime(started) > TimeSpan.FromSeconds(60))
                throw new TimeoutException($"{left} stock grain(s) still active a minute after their deactivation was asked for.");
            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }
    }

    /// <summary>
    /// The first call of a run on a stock grain: a movement sent again with its id while the answer is "unavailable"
    /// or the call failed (idempotency makes the retry safe). True when it was applied (now or by an earlier attempt),
    /// false when refused, null when its fate stayed unknown.
    /// </summary>
    public static async Task<bool?> ApplySettledAsync(this IStockGrain grain, StockMovement movement, Action failed)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            if (attempt > 0)
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt));
            try
            {
                var outcome = await grain.ApplyAsync(movement);
                if (outcome.Value is not null)
                    return true;
                if (outcome.Error?.Code != ErrorCodes.Unavailable)
                    return false;
            }
            catch (Exception error) when (error is TimeoutException or OrleansException)
            {
            }
            failed();
        }
        return null;
    }

    /// <summary>The managed heap after a full, blocking, compacting collection (large objects compacted too).</summary>
    public static long HeapAfterFullCollection()
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: false);
    }

    /// <summary>This process's resident set (VmRSS), or the runtime's working set where /proc is not there.</summary>
    public static long ResidentBytes()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                    return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException)
        {
        }
        return Environment.WorkingSet;
    }

    public static string GcMode => GCSettings.IsServerGC ? "server GC" : "workstation GC";

    public static string Gib(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024 * 1024):0.00} GiB");

    public static string Mib(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0} MiB");

    private static string FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);
    }
}
