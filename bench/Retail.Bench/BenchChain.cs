using System.Globalization;

namespace Retail.Bench;

/// <summary>One store's stock of one SKU, as the bench addresses it.</summary>
public sealed record Pair(string StoreId, string Sku)
{
    public override string ToString() => $"{StoreId}/{Sku}";
}

/// <summary>
/// The bench's stores and SKUs: seeded through the API (idempotent PUTs, so a rerun reuses them),
/// and the stock of every pair read before and after a run to check the balances exactly.
/// </summary>
public sealed class BenchChain(int stores, int skus)
{
    public IReadOnlyList<string> StoreIds { get; } =
        Enumerable.Range(1, stores).Select(i => string.Create(CultureInfo.InvariantCulture, $"bench-s{i:D3}")).ToList();

    public IReadOnlyList<string> Skus { get; } =
        Enumerable.Range(1, skus).Select(i => string.Create(CultureInfo.InvariantCulture, $"bench-sku-{i:D4}")).ToList();

    public IReadOnlyList<Pair> AllPairs() => StoreIds.SelectMany(s => Skus.Select(k => new Pair(s, k))).ToList();

    public async Task SeedAsync(RetailClient client)
    {
        var failed = 0;
        await Parallel.ForEachAsync(StoreIds, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (id, _) =>
        {
            if ((await client.PutStoreAsync(id)).Item1 != Outcome.Applied) Interlocked.Increment(ref failed);
        });
        await Parallel.ForEachAsync(Skus, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (sku, _) =>
        {
            if ((await client.PutSkuAsync(sku)).Item1 != Outcome.Applied) Interlocked.Increment(ref failed);
        });
        if (failed > 0)
            throw new InvalidOperationException(
                $"Seeding failed for {failed} stores/SKUs: {string.Join(", ", client.Errors.Select(e => $"{e.Key} x{e.Value}"))}");
    }

    public static async Task<decimal[]> ReadOnHandAsync(RetailClient client, IReadOnlyList<Pair> pairs)
    {
        var onHand = new decimal[pairs.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, pairs.Count), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
            onHand[i] = await client.GetOnHandAsync(pairs[i].StoreId, pairs[i].Sku));
        return onHand;
    }

    /// <summary>
    /// Compares every pair's stock with what it was plus what the bench had acknowledged.
    /// Pairs with a request whose fate stayed unknown are reported apart: they cannot be judged.
    /// </summary>
    public static async Task<int> VerifyAsync(RetailClient client, IReadOnlyList<Pair> pairs, decimal[] before, decimal[] sent, bool[] uncertain)
    {
        var after = await ReadOnHandAsync(client, pairs);
        var mismatches = new List<string>();
        var uncertainCount = 0;
        for (var i = 0; i < pairs.Count; i++)
        {
            var expected = before[i] + sent[i];
            if (uncertain[i])
                uncertainCount++;
            else if (after[i] != expected)
                mismatches.Add(string.Create(CultureInfo.InvariantCulture,
                    $"  {pairs[i]}: expected {expected} (was {before[i]}, sent {sent[i]:+0.###;-0.###;0}), API says {after[i]}"));
        }
        Console.WriteLine($"balance check: {pairs.Count - uncertainCount - mismatches.Count} of {pairs.Count} pairs exact, " +
                          $"{mismatches.Count} mismatched, {uncertainCount} not judged (a request's outcome stayed unknown)");
        foreach (var line in mismatches.Take(20))
            Console.WriteLine(line);
        if (mismatches.Count > 20)
            Console.WriteLine($"  ... and {mismatches.Count - 20} more");
        return mismatches.Count;
    }
}
