using System.Diagnostics;
using System.Globalization;
using Orleans.Configuration;

namespace Retail.Bench;

/// <summary>
/// What an active stock grain costs: the silo in process (embedded mode), then <c>--count</c> distinct pairs
/// activated by a read each, none collected meanwhile. Heap after a full compacting collection and the
/// resident set, each against a baseline taken once the silo had started and the code path was warm.
/// </summary>
public static class GrainsScenario
{
    public static async Task<int> RunAsync(BenchOptions options)
    {
        options.RejectUnknown("count", "stores", "in-flight", "row-to");
        var count = options.Int("count", 1_000_000);
        var stores = Math.Min(options.Int("stores", 1000), count);
        var inFlight = options.Int("in-flight", 256);
        var skusPerStore = (count + stores - 1) / stores;
        var run = MovementsScenario.RunId();

        // The default collection age (15 minutes) could already take the first grains of a long run, and an idle
        // pair is exactly what is measured: this host keeps every activation for the run.
        var host = await InProcessSilo.StartAsync(null, $"bench-{run}",
            silo => silo.Configure<GrainCollectionOptions>(o => o.CollectionAge = TimeSpan.FromHours(6)));
        var grains = host.Grains();
        Console.WriteLine($"grains: embedded silo in process ({InProcessSilo.GcMode}); {count:N0} pairs = {stores} stores x up to {skusPerStore} SKUs, " +
                          $"{inFlight} reads in flight; stores {run}-s*");

        // The code path warm, and gone again: the baseline holds the runtime and the silo, but no stock grain.
        var warm = Enumerable.Range(0, 1000).Select(i => new Pair($"{run}-warm", string.Create(CultureInfo.InvariantCulture, $"sku-{i:D4}"))).ToList();
        await Parallel.ForEachAsync(warm, new ParallelOptions { MaxDegreeOfParallelism = inFlight }, async (pair, _) => await grains.Stock(pair).GetAsync());
        await grains.DeactivateAllStockAsync(warm);
        warm = null;
        var heapBefore = InProcessSilo.HeapAfterFullCollection();
        var rssBefore = InProcessSilo.ResidentBytes();
        var activationsBefore = await grains.AllActivationsAsync();
        Console.WriteLine($"baseline: heap {InProcessSilo.Mib(heapBefore)}, RSS {InProcessSilo.Mib(rssBefore)}, {activationsBefore} activations (no stock grain)");

        var errors = 0;
        var wrong = 0;
        var done = 0;
        var started = Stopwatch.GetTimestamp();
        var report = started;
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = inFlight }, async (i, _) =>
        {
            var pair = new Pair(string.Create(CultureInfo.InvariantCulture, $"{run}-s{i % stores:D4}"),
                string.Create(CultureInfo.InvariantCulture, $"sku-{i / stores:D6}"));
            try
            {
                var level = await grains.Stock(pair).GetAsync();
                if (level.Version != 0 || level.OnHand != 0)
                    Interlocked.Increment(ref wrong);
            }
            catch (Exception error) when (error is TimeoutException or OrleansException)
            {
                Interlocked.Increment(ref errors);
            }
            var n = Interlocked.Increment(ref done);
            if (n % 100_000 == 0)
            {
                var now = Stopwatch.GetTimestamp();
                var last = Interlocked.Exchange(ref report, now);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {n:N0} activated, {100_000 / Stopwatch.GetElapsedTime(last, now).TotalSeconds:0}/s lately, RSS {InProcessSilo.Mib(InProcessSilo.ResidentBytes())}"));
            }
        });
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var perSecond = count / seconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"grains: {count:N0} activated in {seconds:0.0} s = {perSecond:0} activations/s; {errors} failed reads, {wrong} not empty"));

        var stockActivations = await grains.StockActivationsAsync();
        var heap = InProcessSilo.HeapAfterFullCollection();
        var rss = InProcessSilo.ResidentBytes();
        var memory = GC.GetGCMemoryInfo(GCKind.FullBlocking);
        var heapEach = (heap - heapBefore) / (double)count;
        var rssEach = (rss - rssBefore) / (double)count;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"memory: heap {InProcessSilo.Gib(heap)} after a full compacting collection ({heapEach:0} B per grain over the baseline), " +
            $"RSS {InProcessSilo.Gib(rss)} ({rssEach:0} B per grain), GC committed {InProcessSilo.Gib(memory.TotalCommittedBytes)}"));
        Console.WriteLine($"activations: {stockActivations:N0} stock grains active (expected {count:N0}), " +
                          $"{await grains.AllActivationsAsync() - stockActivations:N0} others");

        var countOk = stockActivations == count;
        var failures = errors + wrong + (countOk ? 0 : 1);
        await new ResultRow(
                $"engine: {count:N0} active stock grains in one silo (embedded mode, in process, {InProcessSilo.GcMode})",
                string.Create(CultureInfo.InvariantCulture,
                    $"{count:N0} grains: {InProcessSilo.Gib(rss)} RSS ({rssEach:#,0} B each), heap {InProcessSilo.Gib(heap)} ({heapEach:#,0} B each); activated at {perSecond:#,0}/s"),
                null, null, null,
                $"{errors + wrong}; {(countOk ? $"{stockActivations:N0} active" : $"{stockActivations:N0} active, {count:N0} EXPECTED")}",
                "no (embedded mode)")
            .AppendToAsync(options.Text("row-to"));
        // Nothing to keep in the embedded mode: the process ends without a graceful stop of every activation.
        return failures == 0 ? 0 : 1;
    }
}
