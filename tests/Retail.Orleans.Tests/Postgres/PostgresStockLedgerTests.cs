using System.Diagnostics.Metrics;
using Npgsql;
using Retail.Orleans.Ledger;
using Retail.Orleans.Stock;

namespace Retail.Orleans.Tests.Postgres;

[Collection(PostgresServer.Collection)]
public sealed class PostgresStockLedgerTests(PostgresServer server)
{
    private static StockMovementRecord Record(string store, string sku, long version, string id, decimal onHandAfter = 1) =>
        new(store, sku, version, id, MovementType.GoodsReceipt, 1, 1, 0, 0, onHandAfter, 0, 0,
            DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, null, new DocumentRef("receipt", "r-1", 17), "fp");

    [Fact]
    public async Task Concurrent_appends_are_group_committed_once_each()
    {
        await using var dataSource = NpgsqlDataSource.Create(await server.CreateDatabaseAsync());
        await using var ledger = new PostgresStockLedger(dataSource);
        var largestBatch = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == LedgerMetrics.MeterName && instrument.Name == "retail.ledger.batch.size")
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<int>((_, size, _, _) => InterlockedMax(ref largestBatch, size));
        listener.Start();

        // 200 pairs x 10 versions, every pair's versions in order as its grain would send them.
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 200).Select(async pair =>
        {
            var results = new List<AppendOutcome>();
            for (var version = 1; version <= 10; version++)
                results.Add(await ledger.AppendAsync(Record("s1", $"sku-{pair}", version, $"m-{version}", version)));
            return results;
        }));

        Assert.All(outcomes.SelectMany(o => o), o => Assert.Equal(AppendOutcome.Appended, o));
        await using var count = dataSource.CreateCommand("SELECT count(*), count(DISTINCT (sku, version)) FROM stock_movements");
        await using var reader = await count.ExecuteReaderAsync();
        await reader.ReadAsync();
        Assert.Equal((2000L, 2000L), (reader.GetInt64(0), reader.GetInt64(1)));
        Assert.True(largestBatch > 1, "concurrent appends should share a commit");
    }

    [Fact]
    public async Task A_duplicate_movement_and_a_taken_version_write_nothing()
    {
        await using var dataSource = NpgsqlDataSource.Create(await server.CreateDatabaseAsync());
        await using var ledger = new PostgresStockLedger(dataSource);
        Assert.Equal(AppendOutcome.Appended, await ledger.AppendAsync(Record("s1", "milk", 1, "a")));

        var duplicate = await ledger.AppendAsync(Record("s1", "milk", 2, "a"));
        var versionTaken = await ledger.AppendAsync(Record("s1", "milk", 1, "b"));

        Assert.Equal(AppendOutcome.DuplicateMovement, duplicate);
        Assert.Equal(AppendOutcome.VersionTaken, versionTaken);
        var all = await ledger.ReadAfterAsync("s1", "milk", 0);
        var only = Assert.Single(all);
        Assert.Equal(Record("s1", "milk", 1, "a") with { OccurredAt = only.OccurredAt, RecordedAt = only.RecordedAt }, only);
        Assert.Equal(new DocumentRef("receipt", "r-1", 17), (await ledger.FindAsync("s1", "milk", "a"))!.Document);
    }

    [Fact]
    public async Task Levels_and_history_read_the_latest_rows()
    {
        await using var dataSource = NpgsqlDataSource.Create(await server.CreateDatabaseAsync());
        await using var ledger = new PostgresStockLedger(dataSource);
        for (var v = 1; v <= 5; v++)
            await ledger.AppendAsync(Record("s1", "milk", v, $"m{v}", onHandAfter: v * 10));
        await ledger.AppendAsync(Record("s2", "milk", 1, "x", onHandAfter: 3));
        await ledger.AppendAsync(Record("s1", "tea", 1, "y", onHandAfter: 4));

        var store = await ledger.ReadLevelsAsync("s1", null);
        var chain = await ledger.ReadLevelsAsync(null, "milk");
        var history = await ledger.ReadHistoryAsync("s1", "milk", 2, beforeVersion: 5);

        Assert.Equal([("milk", 50m), ("tea", 4m)], store.OrderBy(l => l.Sku).Select(l => (l.Sku, l.OnHand)));
        Assert.Equal([("s1", 50m), ("s2", 3m)], chain.OrderBy(l => l.StoreId).Select(l => (l.StoreId, l.OnHand)));
        Assert.Equal([4L, 3L], history.Select(r => r.Version));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while (value > (current = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
