using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Retail.Hosting;
using Retail.Ledger;
using Retail.Stock;

namespace Retail.Bench;

/// <summary>
/// The write path alone: no HTTP, no Orleans. Each task plays one stock grain, staging its next
/// row on its <see cref="StockChain"/> and awaiting <see cref="PostgresLedger.CommitAsync"/> before the
/// next, as a grain does. Commits and batch sizes come from the ledger's own metrics.
/// </summary>
public static class LedgerScenario
{
    public static async Task<int> RunAsync(BenchOptions options)
    {
        options.RejectUnknown("connection", "grains", "duration", "warmup", "row-to");
        var grains = options.Int("grains", 256);
        var window = new LoadWindow(options.Seconds("warmup", 3), options.Seconds("duration", 20, min: 1));

        await using var dataSource = NpgsqlDataSource.Create(options.Required("connection"));
        await DatabaseSchema.ApplyAsync(dataSource);
        var storeId = $"bench-ledger-{MovementsScenario.RunId()}";

        var commits = new CommitTally(window);
        using var listener = commits.Listen();

        var acknowledged = new long[grains];
        var counted = new int[grains];
        var latencies = new Latencies[grains];
        var errors = 0;
        var unexpected = 0;
        await using var metrics = new ServiceCollection().AddGrainMetrics().BuildServiceProvider();
        var ledger = new PostgresLedger(dataSource, metrics.GetRequiredService<LedgerMetrics>(),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<PostgresLedger>.Instance);
        Console.WriteLine($"ledger: {grains} simulated stock grains appending to store {storeId}, " +
                          $"warm-up then {window.Measured.TotalSeconds:0.#} s measured");
        var cpuBefore = Environment.CpuUsage.TotalTime;
        window.Start();
        await Task.WhenAll(Enumerable.Range(0, grains).Select(g => Task.Run(async () =>
        {
            var chain = new StockChain(new StockLevel(storeId, string.Create(CultureInfo.InvariantCulture, $"sku-{g:D5}"), 0, 0, 0, 0), null);
            var times = latencies[g] = new Latencies();
            var receipt = new DocumentRef("bench", "ledger");
            while (window.Open)
            {
                var id = string.Create(CultureInfo.InvariantCulture, $"m-{chain.Committed.Version + 1}");
                var (row, _) = chain.Stage(new StockMovement(id, MovementType.GoodsReceipt, 1, Document: receipt), DateTimeOffset.UtcNow);
                var started = Stopwatch.GetTimestamp();
                var outcome = await CommitSettledAsync(ledger, row!, () => Interlocked.Increment(ref errors));
                if (window.Counts())
                {
                    times.Record(started);
                    counted[g]++;
                }
                if (outcome is CommitOutcome.Committed or CommitOutcome.DuplicateMovement)
                {
                    chain.Commit(id, row!.Token);
                    acknowledged[g] = chain.Committed.Version;
                }
                else
                {
                    // Only one writer per pair here: a taken version or a lost append means the ledger misbehaved.
                    Interlocked.Increment(ref unexpected);
                    return;
                }
            }
        })));
        await ledger.DisposeAsync();
        var cpu = Environment.CpuUsage.TotalTime - cpuBefore;

        var summary = Latencies.Summarize(latencies);
        var seconds = window.Measured.TotalSeconds;
        var recordsPerSecond = counted.Sum() / seconds;
        var (batches, records, median, largest, commitSeconds) = commits.Totals();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ledger: {counted.Sum()} appends in {seconds:0.#} s = {recordsPerSecond:0} records/s; append latency {summary}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"commits: {batches} in the window = {batches / seconds:0} commits/s; batch size mean {(batches == 0 ? 0 : (double)records / batches):0.0}, " +
            $"median {median}, max {largest}; mean commit {(batches == 0 ? 0 : commitSeconds / batches * 1000):0.00} ms"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"this process (simulated grains and the ledger writer) used {cpu.TotalSeconds:0.0} CPU-seconds, " +
            $"{cpu.TotalMilliseconds * 1000 / Math.Max(1, acknowledged.Sum()):0} µs per record appended"));
        Console.WriteLine($"errors: {errors} failed appends (retried with the same record), {unexpected} unexpected outcomes");
        var wrong = await VerifyAsync(dataSource, storeId, acknowledged);

        await new ResultRow(
                $"engine: ledger group commit in process ({grains} grains, no HTTP)",
                string.Create(CultureInfo.InvariantCulture,
                    $"{recordsPerSecond:#,0} records/s in {batches / seconds:#,0} commits/s (mean batch {(batches == 0 ? 0 : (double)records / batches):0.0})"),
                recordsPerSecond, summary.P50, summary.P99,
                $"{errors + unexpected}; ledger {(wrong == 0 ? "exact" : $"{wrong} pairs WRONG")}", "yes (ack after commit)")
            .AppendToAsync(options.Text("row-to"));
        return wrong == 0 && unexpected == 0 ? 0 : 1;
    }

    /// <summary>
    /// A commit that did not get through (or whose answer was lost) is sent again with the same row, as a
    /// grain would settle it: if it had landed, the ledger answers DuplicateMovement.
    /// </summary>
    private static async Task<CommitOutcome?> CommitSettledAsync(PostgresLedger ledger, StagedMovement row, Action failed)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var outcome = (await ledger.CommitAsync(LedgerCommit.Of([row]))).Outcome;
            if (outcome is not (CommitOutcome.Unavailable or CommitOutcome.Unknown))
                return outcome;
            failed();
            await Task.Delay(TimeSpan.FromMilliseconds(200 * (attempt + 1)));
        }
        return null;
    }

    /// <summary>Every simulated grain's rows are in the ledger exactly once, versions 1..last acknowledged.</summary>
    private static async Task<int> VerifyAsync(NpgsqlDataSource dataSource, string storeId, long[] acknowledged)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT sku, count(*), min(version), max(version) FROM stock_movements WHERE store_id = @store_id GROUP BY sku");
        command.Parameters.AddWithValue("store_id", storeId);
        var rows = new Dictionary<string, (long Count, long Min, long Max)>(StringComparer.Ordinal);
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync())
                rows[reader.GetString(0)] = (reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));

        var wrong = 0;
        for (var g = 0; g < acknowledged.Length; g++)
        {
            var sku = string.Create(CultureInfo.InvariantCulture, $"sku-{g:D5}");
            var found = rows.GetValueOrDefault(sku);
            var expected = acknowledged[g] == 0 ? (0L, 0L, 0L) : (acknowledged[g], 1L, acknowledged[g]);
            if (found != expected)
            {
                if (++wrong <= 20)
                    Console.WriteLine($"  {storeId}/{sku}: acknowledged versions 1..{acknowledged[g]}, ledger has {found.Count} rows ({found.Min}..{found.Max})");
            }
        }
        Console.WriteLine($"ledger check: {acknowledged.Length - wrong} of {acknowledged.Length} pairs hold exactly their acknowledged records " +
                          $"({acknowledged.Sum()} rows)");
        return wrong;
    }

    /// <summary>The ledger's <c>retail.ledger.*</c> instruments, counted inside the measured window only.</summary>
    private sealed class CommitTally(LoadWindow window)
    {
        private readonly Lock gate = new();
        private readonly List<int> sizes = [];
        private double commitSeconds;

        public MeterListener Listen()
        {
            var listener = new MeterListener
            {
                InstrumentPublished = (instrument, l) =>
                {
                    if (instrument.Meter.Name == LedgerMetrics.MeterName && instrument.Name.StartsWith("retail.ledger.", StringComparison.Ordinal))
                        l.EnableMeasurementEvents(instrument);
                },
            };
            listener.SetMeasurementEventCallback<int>((instrument, size, _, _) =>
            {
                if (instrument.Name == "retail.ledger.batch.size" && window.Counts())
                    lock (gate) sizes.Add(size);
            });
            listener.SetMeasurementEventCallback<double>((instrument, seconds, _, _) =>
            {
                if (instrument.Name == "retail.ledger.commit.duration" && window.Counts())
                    lock (gate) commitSeconds += seconds;
            });
            listener.Start();
            return listener;
        }

        public (int Batches, long Records, int Median, int Largest, double CommitSeconds) Totals()
        {
            lock (gate)
            {
                if (sizes.Count == 0)
                    return (0, 0, 0, 0, 0);
                var sorted = sizes.Order().ToArray();
                return (sorted.Length, sorted.Sum(s => (long)s), sorted[sorted.Length / 2], sorted[^1], commitSeconds);
            }
        }
    }
}
