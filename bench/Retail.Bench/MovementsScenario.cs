using System.Diagnostics;
using System.Globalization;

namespace Retail.Bench;

/// <summary>
/// Manual stock movements over HTTP: every request is one StockGrain call and one ledger append,
/// acknowledged only after its group commit. Afterwards every pair's balance is checked exactly.
/// </summary>
public static class MovementsScenario
{
    private sealed record Unsettled(int Pair, string Id, string Type, decimal Quantity, decimal Delta);

    public static async Task<int> RunAsync(BenchOptions options)
    {
        options.RejectUnknown("url", "token", "stores", "skus", "workers", "duration", "warmup", "hot", "row-to");
        var url = options.Url("url");
        var token = options.Required("token");
        var hot = options.Flag("hot");
        var workers = options.Int("workers", 64);
        var window = new LoadWindow(options.Seconds("warmup", 3), options.Seconds("duration", 20, min: 1));
        var chain = new BenchChain(options.Int("stores", 10), options.Int("skus", 100));

        using var client = new RetailClient(url, token, workers);
        Console.WriteLine($"movements: seeding {chain.StoreIds.Count} stores and {chain.Skus.Count} SKUs at {url}");
        await chain.SeedAsync(client);

        // --hot: every worker on the first SKU, so its stock grains (one per store) take all the load.
        var pairs = hot ? chain.StoreIds.Select(s => new Pair(s, chain.Skus[0])).ToList() : chain.AllPairs();
        var before = await BenchChain.ReadOnHandAsync(client, pairs);
        client.Errors.Clear();

        var run = RunId();
        var sent = new decimal[workers][];
        var latencies = new Latencies[workers];
        var unsettled = new List<Unsettled>[workers];
        var counted = new int[workers];
        var issued = new int[workers];
        var cpuBefore = Environment.CpuUsage.TotalTime;
        Console.WriteLine($"movements: {workers} workers on {pairs.Count} pair(s){(hot ? " (hot SKU)" : "")}, " +
                          $"warm-up then {window.Measured.TotalSeconds:0.#} s measured; ids {run}-*");
        window.Start();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            var random = new Random(w);
            var mine = sent[w] = new decimal[pairs.Count];
            var times = latencies[w] = new Latencies();
            var unknown = unsettled[w] = [];
            for (var n = 0; window.Open; n++, issued[w]++)
            {
                var pair = random.Next(pairs.Count);
                // Goods receipts outnumber write-offs a little, so stock drifts up rather than deep into the negative.
                var goodsIn = random.Next(100) < 55;
                var type = goodsIn ? "goodsReceipt" : "writeOff";
                var quantity = (decimal)random.Next(1, 6);
                var delta = goodsIn ? quantity : -quantity;
                var id = string.Create(CultureInfo.InvariantCulture, $"{run}-{w}-{n}");

                var started = Stopwatch.GetTimestamp();
                var (outcome, _, _) = await client.PostMovementAsync(pairs[pair].StoreId, pairs[pair].Sku, id, type, quantity);
                if (window.Counts())
                {
                    times.Record(started);
                    counted[w]++;
                }
                if (outcome == Outcome.Applied)
                    mine[pair] += delta;
                else if (outcome == Outcome.Unknown)
                    unknown.Add(new Unsettled(pair, id, type, quantity, delta));
            }
        })));

        var cpu = Environment.CpuUsage.TotalTime - cpuBefore;
        var errors = client.ErrorCount;
        var errorKinds = client.Errors.ToDictionary();
        var total = Sum(sent, pairs.Count);
        var uncertain = await SettleAsync(client, pairs, unsettled.SelectMany(u => u).ToList(), total);

        var summary = Latencies.Summarize(latencies);
        var perSecond = counted.Sum() / window.Measured.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"movements: {counted.Sum()} requests in {window.Measured.TotalSeconds:0.#} s = {perSecond:0} requests/s; {summary}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"load: {issued.Sum()} requests sent in all (warm-up included); the load generator used {cpu.TotalSeconds:0.0} CPU-seconds"));
        Console.WriteLine($"errors: {errors}{Describe(errorKinds)}");
        var mismatches = await BenchChain.VerifyAsync(client, pairs, before, total, uncertain);

        var scenario = hot
            ? $"engine: movements over HTTP, hot SKU ({pairs.Count} pair{(pairs.Count == 1 ? "" : "s")}, {workers} workers)"
            : $"engine: movements over HTTP ({pairs.Count} pairs, {workers} workers)";
        await new ResultRow(scenario, string.Create(CultureInfo.InvariantCulture, $"{perSecond:#,0} movements/s"), perSecond,
                summary.P50, summary.P99, ErrorsCell(errors, mismatches, uncertain.Count(u => u)), "yes (ack after commit)")
            .AppendToAsync(options.Text("row-to"));
        return mismatches == 0 ? 0 : 1;
    }

    /// <summary>Retries each request whose fate is unknown with its own id: idempotency turns that into an exact answer.</summary>
    private static async Task<bool[]> SettleAsync(RetailClient client, IReadOnlyList<Pair> pairs, List<Unsettled> unknown, decimal[] total)
    {
        var uncertain = new bool[pairs.Count];
        if (unknown.Count > 0)
            Console.WriteLine($"settling {unknown.Count} request(s) with an unknown outcome by retrying their ids");
        foreach (var u in unknown)
        {
            var outcome = Outcome.Unknown;
            for (var attempt = 0; attempt < 5 && outcome == Outcome.Unknown; attempt++)
            {
                if (attempt > 0) await Task.Delay(TimeSpan.FromSeconds(1));
                (outcome, _, _) = await client.PostMovementAsync(pairs[u.Pair].StoreId, pairs[u.Pair].Sku, u.Id, u.Type, u.Quantity);
            }
            if (outcome == Outcome.Applied)
                total[u.Pair] += u.Delta;
            else if (outcome == Outcome.Unknown)
                uncertain[u.Pair] = true;
        }
        return uncertain;
    }

    public static decimal[] Sum(decimal[][] perWorker, int pairs)
    {
        var total = new decimal[pairs];
        foreach (var worker in perWorker)
            for (var i = 0; i < pairs; i++)
                total[i] += worker[i];
        return total;
    }

    /// <summary>A fresh prefix per run, so no movement or receipt id of an earlier run is replayed.</summary>
    public static string RunId() =>
        string.Create(CultureInfo.InvariantCulture, $"b{DateTime.UtcNow:yyMMddHHmmss}{Random.Shared.Next(1000):D3}");

    public static string Describe(IReadOnlyDictionary<string, int> kinds) =>
        kinds.Count == 0 ? "" : " (" + string.Join(", ", kinds.OrderByDescending(k => k.Value).Select(k => $"{k.Key} x{k.Value}")) + ")";

    public static string ErrorsCell(int errors, int mismatches, int uncertain) =>
        $"{errors}; balances {(mismatches == 0 ? "exact" : $"{mismatches} WRONG")}{(uncertain > 0 ? $", {uncertain} unjudged" : "")}";
}
