using System.Diagnostics;
using System.Globalization;

namespace Retail.Bench;

/// <summary>
/// An offline till's replay: the same number of device receipts (3 lines each, FD 3, 4, ... of one
/// shift) posted one request at a time to one register, then in one batch request to another, each
/// on a fresh register of a fresh FN, timed from the first request to the last answer. Afterwards the
/// stock of every pair must be what it was minus every receipt both ways.
/// </summary>
public static class ReplayScenario
{
    private const int LinesPerReceipt = 3;

    public static async Task<int> RunAsync(BenchOptions options)
    {
        options.RejectUnknown("url", "token", "receipts", "skus", "row-to");
        var url = options.Url("url");
        var count = options.Int("receipts", 500);
        if (count > 1000)
            throw new UsageException("--receipts is at most 1000 (one batch).");
        var chain = new BenchChain(1, options.Int("skus", 100));
        var rowTo = options.Text("row-to");
        using var client = new RetailClient(url, options.Required("token"), 4);
        await chain.SeedAsync(client);
        var pairs = chain.AllPairs();
        var before = await BenchChain.ReadOnHandAsync(client, pairs);
        var store = chain.StoreIds[0];
        var run = DateTime.UtcNow.ToString("yyMMddHHmmssfff", CultureInfo.InvariantCulture);
        var at = new DateTimeOffset(DateTime.UtcNow.Ticks - DateTime.UtcNow.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero)
            .ToOffset(TimeSpan.FromHours(3)).AddHours(-1);
        var random = new Random(7);
        var lines = Enumerable.Range(0, count).Select(_ => chain.Skus.OrderBy(_ => random.Next()).Take(LinesPerReceipt)
            .Select(sku => new ReceiptLine(sku, 1, RetailClient.SkuPrice)).ToList()).ToList();

        async Task<(string Register, List<object> Receipts)> FreshRegisterAsync(string kind)
        {
            var register = $"{store}-{kind}-{run}";
            var fn = "99604403" + Random.Shared.NextInt64(0, 100_000_000).ToString("D8", CultureInfo.InvariantCulture);
            if ((await client.PutDeviceRegisterAsync(register, store, fn)).Item1 != Outcome.Applied
                || (await client.PostShiftOpenedAsync(register, fn, at)).Item1 != Outcome.Applied)
                throw new InvalidOperationException($"Register {register} could not be set up: {string.Join(", ", client.Errors.Keys)}");
            return (register, lines.Select((l, i) => RetailClient.DeviceReceipt($"{kind}-{run}-{i}", fn, 3 + i, at.AddSeconds(i), l)).ToList());
        }

        var (singleRegister, singles) = await FreshRegisterAsync("one");
        var clock = Stopwatch.StartNew();
        var singleApplied = 0;
        foreach (var receipt in singles)
            if ((await client.PostFiscalizedReceiptAsync(singleRegister, receipt)).Item1 == Outcome.Applied)
                singleApplied++;
        var singleTime = clock.Elapsed;

        var (batchRegister, batch) = await FreshRegisterAsync("batch");
        clock.Restart();
        var statuses = await client.PostFiscalizedReceiptsAsync(batchRegister, batch);
        var batchTime = clock.Elapsed;
        var batchApplied = statuses?.Count(s => s == 201) ?? 0;

        var sent = new decimal[pairs.Count];
        var index = pairs.Select((p, i) => (p.Sku, i)).ToDictionary(x => x.Sku, x => x.i);
        foreach (var receipt in lines.Take(singleApplied).Concat(lines.Take(batchApplied)))
            foreach (var line in receipt)
                sent[index[line.Sku]] -= line.Quantity;
        var mismatches = await BenchChain.VerifyAsync(client, pairs, before, sent, new bool[pairs.Count]);
        var errors = client.ErrorCount + (count - singleApplied) + (count - batchApplied);

        var singleRate = singleApplied / singleTime.TotalSeconds;
        var batchRate = batchApplied / batchTime.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"replay: {count} device receipts one by one in {singleTime.TotalSeconds:0.00} s ({singleRate:0}/s), " +
            $"in one batch in {batchTime.TotalSeconds:0.00} s ({batchRate:0}/s): the batch {batchRate / singleRate:0.0}x"));
        Console.WriteLine($"errors: {errors}");
        var errorsCell = MovementsScenario.ErrorsCell(errors, mismatches, 0);
        await new ResultRow($"engine: offline replay, {count} device receipts one request each (one till)",
            string.Create(CultureInfo.InvariantCulture, $"{singleRate:#,0} receipts/s ({singleTime.TotalSeconds:0.00} s)"),
            singleRate * LinesPerReceipt, null, null, errorsCell, "yes (201 after commit)").AppendToAsync(rowTo);
        await new ResultRow($"engine: offline replay, the same {count} in one batch request",
            string.Create(CultureInfo.InvariantCulture, $"{batchRate:#,0} receipts/s ({batchTime.TotalSeconds:0.00} s; {batchRate / singleRate:0.0}x one by one)"),
            batchRate * LinesPerReceipt, null, null, errorsCell, "yes (each result after its commit)").AppendToAsync(rowTo);
        return mismatches == 0 && errors == 0 ? 0 : 1;
    }
}
