using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace Retail.Bench;

/// <summary>
/// 3-line sale receipts through the registers API, one emulated register per worker (a register
/// fiscalizes one document at a time). A 201 means the receipt is fiscalized and its stock written off,
/// so the balances are checked exactly afterwards, as in the movements scenario.
/// </summary>
public static class ReceiptsScenario
{
    private const int LinesPerReceipt = 3;

    private sealed record Unsettled(string RegisterId, string Id, ReceiptLine[] Lines, int[] Pairs);

    public static async Task<int> RunAsync(BenchOptions options)
    {
        options.RejectUnknown("url", "token", "stores", "skus", "workers", "duration", "warmup", "embedded", "cold", "hot",
            "rate", "reads", "chain-reads", "chain-stores", "row-to");
        // The API started without a database: the same path with the in-memory ledger, nothing durable.
        var embedded = options.Flag("embedded");
        var cold = options.Flag("cold");
        // --hot: ten registers of one store, every receipt on the same three pairs (the plain SQL hot rows' case).
        var hot = options.Flag("hot");
        var url = options.Url("url");
        var token = options.Required("token");
        var workers = options.Int("workers", hot ? 10 : 96);
        var window = new LoadWindow(options.Seconds("warmup", 3), options.Seconds("duration", 20, min: 1));
        var chain = hot ? new BenchChain(1, LinesPerReceipt) : new BenchChain(options.Int("stores", 10), options.Int("skus", 100));
        if (chain.Skus.Count < LinesPerReceipt)
            throw new UsageException($"A {LinesPerReceipt}-line receipt needs --skus {LinesPerReceipt} or more.");
        // Offered load instead of as fast as the registers can go: latency at a given share of the peak.
        var pacing = options.Text("rate") is null ? null : new Pacing(options.Int("rate", 1), workers);
        using var reads = new ReadLoad(url, token, options.Int("reads", 0, min: 0), options.Int("chain-reads", 0, min: 0), options.Int("chain-stores", 500));
        var rowTo = options.Text("row-to");

        using var client = new RetailClient(url, token, workers);
        Console.WriteLine($"receipts: seeding {chain.StoreIds.Count} stores and {chain.Skus.Count} SKUs at {url}");
        await chain.SeedAsync(client);
        await reads.SeedAsync(chain.Skus[0]);

        // A register id names its store, so a rerun with other --stores never moves a register.
        var registers = Enumerable.Range(0, workers)
            .Select(w => (StoreId: chain.StoreIds[w % chain.StoreIds.Count], Id: string.Create(CultureInfo.InvariantCulture,
                $"{chain.StoreIds[w % chain.StoreIds.Count]}-r{w / chain.StoreIds.Count:D2}")))
            .ToList();
        var label = hot
            ? $"engine: 3-line receipts over HTTP, hot SKUs: every receipt on the same 3 pairs ({workers} registers of one store)"
            : "engine: 3-line receipts over HTTP";
        var (available, why) = await OpenRegistersAsync(client, registers);
        if (!available)
        {
            Console.WriteLine($"receipts: NOT RUN: {why}");
            await ResultRow.NotRun(label, why).AppendToAsync(rowTo);
            return 3;
        }

        var pairs = chain.AllPairs();
        var pairIndex = pairs.Select((p, i) => (p, i)).ToDictionary(x => x.p, x => x.i);
        var before = await BenchChain.ReadOnHandAsync(client, pairs);
        client.Errors.Clear();

        var run = MovementsScenario.RunId();
        var sent = new decimal[workers][];
        var latencies = new Latencies[workers];
        var unsettled = new List<Unsettled>[workers];
        var counted = new int[workers];
        var issued = new int[workers];
        var cpuBefore = Environment.CpuUsage.TotalTime;
        Console.WriteLine($"receipts: {workers} registers in {chain.StoreIds.Count} stores, {chain.Skus.Count} SKUs, " +
                          $"warm-up then {window.Measured.TotalSeconds:0.#} s measured; ids {run}-*");
        window.Start();
        var reading = reads.RunAsync(window, pairs, chain.Skus[0]);
        await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(async () =>
        {
            var random = new Random(w);
            var (storeId, registerId) = registers[w];
            var mine = sent[w] = new decimal[pairs.Count];
            var times = latencies[w] = new Latencies();
            var unknown = unsettled[w] = [];
            var slot = pacing?.First(w) ?? 0;
            for (var n = 0; window.Open; n++, issued[w]++)
            {
                var skus = DistinctSkus(random, chain.Skus.Count);
                var lines = skus.Select(k => new ReceiptLine(chain.Skus[k], random.Next(1, 4), RetailClient.SkuPrice)).ToArray();
                var linePairs = lines.Select(l => pairIndex[new Pair(storeId, l.Sku)]).ToArray();
                var id = string.Create(CultureInfo.InvariantCulture, $"{run}-{w}-{n}");

                var started = Stopwatch.GetTimestamp();
                if (pacing is not null)
                {
                    await Pacing.UntilAsync(slot);
                    if (!window.Open)
                        break;
                    started = slot;
                    slot = pacing.Next(slot);
                }
                var (outcome, _, _) = await client.PostReceiptAsync(registerId, id, lines);
                if (window.Counts())
                {
                    times.Record(started);
                    counted[w]++;
                }
                if (outcome == Outcome.Applied)
                    WriteOff(mine, linePairs, lines);
                else if (outcome == Outcome.Unknown)
                    unknown.Add(new Unsettled(registerId, id, lines, linePairs));
            }
        })));
        await reading;

        var cpu = Environment.CpuUsage.TotalTime - cpuBefore;
        var errors = client.ErrorCount;
        var errorKinds = client.Errors.ToDictionary();
        var total = MovementsScenario.Sum(sent, pairs.Count);
        var uncertain = new bool[pairs.Count];
        foreach (var u in unsettled.SelectMany(u => u))
        {
            var outcome = Outcome.Unknown;
            for (var attempt = 0; attempt < 5 && outcome == Outcome.Unknown; attempt++)
            {
                if (attempt > 0) await Task.Delay(TimeSpan.FromSeconds(1));
                (outcome, _, _) = await client.PostReceiptAsync(u.RegisterId, u.Id, u.Lines);
            }
            if (outcome == Outcome.Applied)
                WriteOff(total, u.Pairs, u.Lines);
            else if (outcome == Outcome.Unknown)
                foreach (var p in u.Pairs) uncertain[p] = true;
        }

        var summary = Latencies.Summarize(latencies);
        var perSecond = counted.Sum() / window.Measured.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"receipts: {counted.Sum()} receipts in {window.Measured.TotalSeconds:0.#} s = {perSecond:0} receipts/s " +
            $"({perSecond * LinesPerReceipt:0} stock lines/s); {summary}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"load: {issued.Sum()} requests sent in all (warm-up included); the load generator used {cpu.TotalSeconds:0.0} CPU-seconds"));
        Console.WriteLine($"errors: {errors}{MovementsScenario.Describe(errorKinds)}");
        var mismatches = await BenchChain.VerifyAsync(client, pairs, before, total, uncertain);

        var conditions = string.Join("; ", new[]
        {
            hot ? null : $"{workers} registers, {pairs.Count} pairs",
            embedded ? "embedded mode, in memory" : null,
            cold ? "cold: the first run after start" : null,
            pacing is null ? null : string.Create(CultureInfo.InvariantCulture, $"offered {pacing.PerSecond:#,0} receipts/s"),
            reads.Any ? "with the reads below" : null,
        }.Where(c => c is not null));
        await new ResultRow(conditions.Length == 0 ? label : $"{label} ({conditions})",
                string.Create(CultureInfo.InvariantCulture, $"{perSecond:#,0} receipts/s"), perSecond * LinesPerReceipt,
                summary.P50, summary.P99, MovementsScenario.ErrorsCell(errors, mismatches, uncertain.Count(u => u)), embedded ? "no (embedded mode)" : "yes (201 after commit)")
            .AppendToAsync(rowTo);
        var readsWrong = await reads.ReportAsync(window, chain.Skus[0], rowTo);
        return mismatches == 0 && !readsWrong ? 0 : 1;
    }

    /// <summary>Registers every drive and opens its shift; reports whether the registers API exists at all.</summary>
    private static async Task<(bool Available, string Why)> OpenRegistersAsync(RetailClient client, IReadOnlyList<(string StoreId, string Id)> registers)
    {
        foreach (var (storeId, id) in registers)
        {
            var (outcome, status, code) = await client.PutRegisterAsync(id, storeId);
            if (status == HttpStatusCode.NotFound && code is null)
                return (false, "PUT /api/v1/registers/{id} answers 404 (registers API not deployed)");
            if (outcome != Outcome.Applied)
                return (false, $"PUT /api/v1/registers/{id} answers {(int?)status} {code}");

            (outcome, status, code) = await client.OpenShiftAsync(id);
            if (code == "shift_expired")
            {
                // A shift left open by an earlier run over 24 hours ago: close it with its Z-report, open a new one.
                await client.CloseShiftAsync(id);
                (outcome, status, code) = await client.OpenShiftAsync(id);
            }
            if (outcome != Outcome.Applied && code != "shift_already_open")
                return (false, $"opening the shift of {id} answers {(int?)status} {code}");
        }
        return (true, "");
    }

    /// <summary>Three different SKUs, in no particular order.</summary>
    private static int[] DistinctSkus(Random random, int count)
    {
        var a = random.Next(count);
        int b, c;
        do b = random.Next(count); while (b == a);
        do c = random.Next(count); while (c == a || c == b);
        return [a, b, c];
    }

    private static void WriteOff(decimal[] sent, int[] pairs, ReceiptLine[] lines)
    {
        for (var i = 0; i < lines.Length; i++)
            sent[pairs[i]] -= lines[i].Quantity;
    }
}
