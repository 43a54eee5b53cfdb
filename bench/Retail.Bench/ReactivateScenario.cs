using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Retail.Stock;

namespace Retail.Bench;

/// <summary>
/// A stock grain coming back with a long history: the silo in process (PostgreSQL mode), <c>--records</c> ledger
/// records per pair written through the grain's own path, every stock grain deactivated, then the first read
/// of each pair timed one at a time. Its reloaded onHand must be exactly what was acknowledged.
/// </summary>
public static class ReactivateScenario
{
    private const int WarmPairs = 4;
    private const int WarmRecords = 300;

    public static async Task<int> RunAsync(BenchOptions options)
    {
        options.RejectUnknown("connection", "records", "pairs", "in-flight", "row-to");
        var connection = options.Required("connection");
        var records = options.Int("records", 10_000);
        var pairCount = options.Int("pairs", 20);
        var inFlight = options.Int("in-flight", 64);
        var run = MovementsScenario.RunId();

        using var host = await InProcessSilo.StartAsync(connection, $"bench-{run}");
        var grains = host.Grains();
        var ledger = host.Services.GetRequiredService<IStockLedger>();
        Console.WriteLine($"reactivate: PostgreSQL silo in process ({InProcessSilo.GcMode}); {pairCount} pairs x {records:N0} records, " +
                          $"{inFlight} movements in flight per pair; store {run}-r");

        // The code path warm (writes, deactivation, activation from the ledger), not counted.
        var warm = Pairs($"{run}-warm", WarmPairs);
        await WriteAsync(grains, warm, WarmRecords, inFlight, $"{run}-w");
        await grains.DeactivateAllStockAsync(warm);
        await FirstReadsAsync(grains, warm);
        await ReadsAloneAsync(ledger, warm);
        await grains.DeactivateAllStockAsync(warm);

        var pairs = Pairs($"{run}-r", pairCount);
        var started = Stopwatch.GetTimestamp();
        var writes = await WriteAsync(grains, pairs, records, inFlight, run);
        var writeSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"written: {writes.Records.Sum():N0} records acknowledged in {writeSeconds:0.0} s = {writes.Records.Sum() / writeSeconds:0} records/s; " +
            $"{writes.Retries} retried, {writes.Refused} refused, {writes.Unknown} unknown"));

        started = Stopwatch.GetTimestamp();
        await grains.DeactivateAllStockAsync(pairs);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"deactivated: {pairs.Count} stock grains gone in {Stopwatch.GetElapsedTime(started).TotalMilliseconds:0} ms"));

        var (times, levels) = await FirstReadsAsync(grains, pairs);
        var summary = Latencies.Summarize([times]);
        Console.WriteLine($"reactivation (first read of each pair, one at a time): {summary}");
        var alone = await ReadsAloneAsync(ledger, pairs);
        Console.WriteLine($"  of which the activation's two ledger reads alone (head, newest 128 records): {Latencies.Summarize([alone])}");

        var mismatches = 0;
        for (var p = 0; p < pairs.Count; p++)
        {
            var expected = (OnHand: writes.OnHand[p], Version: writes.Records[p]);
            var found = (levels[p].OnHand, levels[p].Version);
            if (found.OnHand != expected.OnHand || (writes.Unknown == 0 && found.Version != expected.Version))
            {
                if (++mismatches <= 20)
                    Console.WriteLine($"  {pairs[p]}: acknowledged onHand {expected.OnHand} at version {expected.Version}, reloaded {found.OnHand} at {found.Version}");
            }
        }
        Console.WriteLine($"balance check: {pairs.Count - mismatches} of {pairs.Count} pairs reloaded exactly their acknowledged onHand and version");
        Console.WriteLine($"errors: {writes.Retries} retried calls, {writes.Refused} refused, {writes.Unknown} with an unknown outcome");

        await new ResultRow(
                string.Create(CultureInfo.InvariantCulture,
                    $"engine: a stock grain reactivating with {records:N0} ledger records (PostgreSQL, in process, {pairCount} pairs)"),
                string.Create(CultureInfo.InvariantCulture, $"first read after deactivation: max {summary.Max:0.0} ms"),
                null, summary.P50, summary.P99,
                MovementsScenario.ErrorsCell(writes.Retries + writes.Refused, mismatches, writes.Unknown),
                "yes (ack after commit)")
            .AppendToAsync(options.Text("row-to"));
        await host.StopAsync();
        return mismatches == 0 && writes.Refused == 0 && writes.Unknown == 0 ? 0 : 1;
    }

    private static List<Pair> Pairs(string storeId, int count) =>
        Enumerable.Range(0, count).Select(i => new Pair(storeId, string.Create(CultureInfo.InvariantCulture, $"sku-{i:D4}"))).ToList();

    private sealed record Writes(long[] Records, long[] OnHand, int Retries, int Refused, int Unknown);

    /// <summary>
    /// <paramref name="records"/> movements of quantity 1 on each pair (two goods receipts to one write-off), many in flight
    /// per pair so the grain commits what queued up as one group; what was acknowledged, per pair.
    /// </summary>
    private static async Task<Writes> WriteAsync(IGrainFactory grains, List<Pair> pairs, int records, int inFlight, string idPrefix)
    {
        var counted = new long[pairs.Count];
        var onHand = new long[pairs.Count];
        var retries = 0;
        var refused = 0;
        var unknown = 0;
        await Task.WhenAll(pairs.Select((pair, p) => Parallel.ForEachAsync(Enumerable.Range(0, records),
            new ParallelOptions { MaxDegreeOfParallelism = inFlight }, async (n, _) =>
            {
                var goodsIn = n % 3 != 2;
                var movement = new StockMovement(string.Create(CultureInfo.InvariantCulture, $"{idPrefix}-{p}-{n}"),
                    goodsIn ? MovementType.GoodsReceipt : MovementType.WriteOff, 1);
                switch (await grains.Stock(pair).ApplySettledAsync(movement, () => Interlocked.Increment(ref retries)))
                {
                    case true:
                        Interlocked.Increment(ref counted[p]);
                        Interlocked.Add(ref onHand[p], goodsIn ? 1 : -1);
                        break;
                    case false:
                        Interlocked.Increment(ref refused);
                        break;
                    default:
                        Interlocked.Increment(ref unknown);
                        break;
                }
            })));
        return new Writes(counted, onHand, retries, refused, unknown);
    }

    /// <summary>The first call on each pair, one pair at a time, so each activation has the silo to itself.</summary>
    private static async Task<(Latencies Times, StockLevel[] Levels)> FirstReadsAsync(IGrainFactory grains, List<Pair> pairs)
    {
        var times = new Latencies();
        var levels = new StockLevel[pairs.Count];
        for (var p = 0; p < pairs.Count; p++)
        {
            var started = Stopwatch.GetTimestamp();
            levels[p] = await grains.Stock(pairs[p]).GetAsync();
            times.Record(started);
        }
        return (times, levels);
    }

    /// <summary>What the activation reads from the ledger, without the grain: the head row and the newest 128 records.</summary>
    private static async Task<Latencies> ReadsAloneAsync(IStockLedger ledger, List<Pair> pairs)
    {
        var times = new Latencies();
        foreach (var pair in pairs)
        {
            var started = Stopwatch.GetTimestamp();
            await ledger.ReadHeadAsync(pair.StoreId, pair.Sku);
            await ledger.ReadHistoryAsync(pair.StoreId, pair.Sku, 128, null);
            times.Record(started);
        }
        return times;
    }
}
