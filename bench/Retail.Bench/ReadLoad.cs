using System.Globalization;

namespace Retail.Bench;

/// <summary>
/// Reads timed while receipts run, at offered rates: one pair's stock (what a till or shop asks before it sells),
/// and one SKU's stock across the chain's stores (what a web shop or dashboard asks). Its own client, so its
/// errors and connections are apart from the receipts'.
/// </summary>
public sealed class ReadLoad : IDisposable
{
    private const int PairReaders = 4;
    private const int ChainReaders = 2;

    private readonly Pacing? pairs;
    private readonly Pacing? chainWide;
    private readonly int chainStores;
    private readonly RetailClient client;
    private readonly Latencies[] pairTimes;
    private readonly Latencies[] chainTimes;

    public ReadLoad(Uri url, string token, int pairReadsPerSecond, int chainReadsPerSecond, int chainStores)
    {
        pairs = pairReadsPerSecond > 0 ? new Pacing(pairReadsPerSecond, PairReaders) : null;
        chainWide = chainReadsPerSecond > 0 ? new Pacing(chainReadsPerSecond, ChainReaders) : null;
        this.chainStores = chainStores;
        client = new RetailClient(url, token, PairReaders + ChainReaders);
        pairTimes = pairs is null ? [] : Enumerable.Range(0, PairReaders).Select(_ => new Latencies()).ToArray();
        chainTimes = chainWide is null ? [] : Enumerable.Range(0, ChainReaders).Select(_ => new Latencies()).ToArray();
    }

    public bool Any => pairs is not null || chainWide is not null;

    /// <summary>Puts the SKU's stock in every one of the chain's stores (idempotent ids: a rerun adds nothing).</summary>
    public async Task SeedAsync(string sku)
    {
        if (chainWide is null)
            return;
        var stores = new BenchChain(chainStores, 1);
        await stores.SeedAsync(client);
        await Parallel.ForEachAsync(stores.StoreIds, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (storeId, _) =>
            await client.PostMovementAsync(storeId, sku, $"chain-seed-{storeId}", "goodsReceipt", 1000));
        // The chain-wide view hears of each store's stock a moment after it changes.
        for (var waited = 0; waited < 100 && await client.GetChainStoreCountAsync(sku) < chainStores; waited++)
            await Task.Delay(100);
        client.Errors.Clear();
    }

    public Task RunAsync(LoadWindow window, IReadOnlyList<Pair> among, string sku) =>
        Task.WhenAll(
            Readers(pairs, pairTimes, window, random =>
            {
                var pair = among[random.Next(among.Count)];
                return $"api/v1/stores/{pair.StoreId}/stock/{pair.Sku}";
            }).Concat(
            Readers(chainWide, chainTimes, window, _ => $"api/v1/skus/{sku}/stock")));

    private IEnumerable<Task> Readers(Pacing? pacing, Latencies[] times, LoadWindow window, Func<Random, string> path) =>
        pacing is null ? [] : times.Select((mine, r) => Task.Run(async () =>
        {
            var random = new Random(1000 + r);
            for (var slot = pacing.First(r); ; slot = pacing.Next(slot))
            {
                await Pacing.UntilAsync(slot);
                if (!window.Open)
                    return;
                await client.GetAsync(path(random));
                if (window.Counts())
                    mine.Record(slot);
            }
        }));

    /// <summary>Writes a row per kind of read; true when a read failed or the chain-wide stock missed stores.</summary>
    public async Task<bool> ReportAsync(LoadWindow window, string sku, string? rowTo)
    {
        if (!Any)
            return false;
        var errors = client.ErrorCount;
        Console.WriteLine($"reads: errors {errors}{MovementsScenario.Describe(client.Errors.ToDictionary())}");
        var listed = chainWide is null ? chainStores : await client.GetChainStoreCountAsync(sku);
        if (pairs is not null)
            await Row($"engine: stock of one pair over HTTP, read during the receipts above (offered {pairs.PerSecond:#,0} reads/s)", pairTimes);
        if (chainWide is not null)
        {
            Console.WriteLine($"reads: the chain-wide stock of {sku} lists {listed} stores (seeded {chainStores})");
            await Row($"engine: stock of one SKU across {chainStores} stores over HTTP, read during the receipts above (offered {chainWide.PerSecond:#,0} reads/s)", chainTimes);
        }
        return errors > 0 || listed < chainStores;

        async Task Row(string scenario, Latencies[] times)
        {
            var summary = Latencies.Summarize(times);
            Console.WriteLine($"reads: {scenario}: {summary.Count} counted; {summary}");
            await new ResultRow(scenario, string.Create(CultureInfo.InvariantCulture, $"{summary.Count / window.Measured.TotalSeconds:#,0} reads/s"),
                null, summary.P50, summary.P99, errors == 0 ? "0" : $"{errors} (reads)", "-").AppendToAsync(rowTo);
        }
    }

    public void Dispose() => client.Dispose();
}
