using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Retail.Hosting;
using Retail.Ledger;
using Retail.Registers;
using Retail.Stock;

namespace Retail.Tests.Postgres;

/// <summary>The one durable step against a real PostgreSQL: journal and stock in one transaction, heads moved by compare-and-set.</summary>
[Collection(PostgresServer.Collection)]
public sealed class PostgresLedgerTests(PostgresServer server) : IDisposable
{
    private const string Fn = "9960440300123456";

    /// <summary>This test's own metrics, as a silo's: other ledgers in the process record elsewhere.</summary>
    private readonly ServiceProvider metrics = new ServiceCollection().AddGrainMetrics().BuildServiceProvider();

    internal static StagedMovement Row(string store, string sku, long version, string id, string token, string? previous, decimal onHandAfter = 1,
        string? reason = null) =>
        new(new StockMovementRecord(store, sku, version, id, MovementType.GoodsReceipt, 1, 1, 0, 0, onHandAfter, 0, 0,
            DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, reason, new DocumentRef("receipt", "r-1", 17), "fp"), token, previous);

    internal static JournalEntry Entry(long sequence, string? clientId, long? fd, string? fn = Fn, string register = "till-1") =>
        new(register, sequence, JournalKinds.Receipt, clientId, fd, "fp", "{}"u8.ToArray(), "{}"u8.ToArray(), DateTimeOffset.UtcNow, "s1", FnSerial: fn);

    private async Task<(NpgsqlDataSource Data, PostgresLedger Ledger)> OpenAsync()
    {
        var data = NpgsqlDataSource.Create(await server.CreateDatabaseAsync());
        return (data, new PostgresLedger(data, metrics.GetRequiredService<LedgerMetrics>(), NullLogger<PostgresLedger>.Instance));
    }

    public void Dispose() => metrics.Dispose();

    private static async Task<long> CountAsync(NpgsqlDataSource data, string sql)
    {
        await using var command = data.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task Concurrent_commits_are_group_committed_once_each_with_heads_at_the_last_version()
    {
        var (data, ledger) = await OpenAsync();
        await using var _ = data;
        await using var __ = ledger;
        var largestBatch = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, metrics.GetRequiredService<IMeterFactory>()) && instrument.Name == "retail.ledger.batch.size")
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<int>((_, size, _, _) => InterlockedMax(ref largestBatch, size));
        listener.Start();

        // 200 pairs x 10 versions, each pair's rows chained as its grain stages them.
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 200).Select(async pair =>
        {
            var results = new List<CommitOutcome>();
            string? previous = null;
            for (var version = 1; version <= 10; version++)
            {
                var token = $"t-{pair}-{version}";
                results.Add((await ledger.CommitAsync(LedgerCommit.Of([Row("s1", $"sku-{pair}", version, $"m-{version}", token, previous, version)]))).Outcome);
                previous = token;
            }
            return results;
        }));

        Assert.All(outcomes.SelectMany(o => o), o => Assert.Equal(CommitOutcome.Committed, o));
        Assert.Equal(2000, await CountAsync(data, "SELECT count(DISTINCT (sku, version)) FROM stock_movements"));
        Assert.Equal(200, await CountAsync(data, "SELECT count(*) FROM stock_heads WHERE version = 10 AND on_hand = 10"));
        Assert.True(largestBatch > 1, "concurrent commits should share a transaction");
    }

    [Fact]
    public async Task A_duplicate_movement_and_a_stale_head_write_nothing()
    {
        var (data, ledger) = await OpenAsync();
        await using var _ = data;
        await using var __ = ledger;
        var stock = new PostgresStockLedger(data);
        Assert.True((await ledger.CommitAsync(LedgerCommit.Of([Row("s1", "milk", 1, "a", "t1", null)]))).IsCommitted);

        var duplicate = await ledger.CommitAsync(LedgerCommit.Of([Row("s1", "milk", 2, "a", "t2", "t1")]));
        // A second activation that loaded the pair before version 1 existed, and one that staged on a token that never landed.
        var secondActivation = await ledger.CommitAsync(LedgerCommit.Of([Row("s1", "milk", 1, "b", "x1", null)]));
        var staleToken = await ledger.CommitAsync(LedgerCommit.Of([Row("s1", "milk", 2, "c", "x2", "never")]));

        Assert.Equal(CommitOutcome.DuplicateMovement, duplicate.Outcome);
        Assert.Equal(["a"], duplicate.Duplicates!);
        Assert.Equal(CommitOutcome.StockConflict, secondActivation.Outcome);
        Assert.Equal(CommitOutcome.StockConflict, staleToken.Outcome);
        var only = Assert.Single(await stock.ReadHistoryAsync("s1", "milk", 10, null));
        Assert.Equal("a", only.MovementId);
        Assert.Equal(new StockHead(new StockLevel("s1", "milk", 1, 0, 0, 1), "t1"), await stock.ReadHeadAsync("s1", "milk"));
        Assert.Equal(new DocumentRef("receipt", "r-1", 17), (await stock.FindAsync("s1", "milk", "a"))!.Document);
    }

    [Fact]
    public async Task A_journal_entry_and_its_stock_commit_together_or_not_at_all()
    {
        var (data, ledger) = await OpenAsync();
        await using var _ = data;
        await using var __ = ledger;
        Assert.True((await ledger.CommitAsync(LedgerCommit.Of(Entry(1, "r-1", 1), [Row("s1", "milk", 1, "r-1:0", "t1", null)]))).IsCommitted);

        // Sequence 1 is taken: its stock row must not land. Then a stock conflict: its journal entry must not land.
        var journalConflict = await ledger.CommitAsync(LedgerCommit.Of(Entry(1, "r-2", 2), [Row("s1", "milk", 2, "r-2:0", "t2", "t1")]));
        var stockConflict = await ledger.CommitAsync(LedgerCommit.Of(Entry(2, "r-3", 3), [Row("s1", "tea", 2, "r-3:0", "t3", "nope")]));
        var duplicateReceipt = await ledger.CommitAsync(LedgerCommit.Of(Entry(2, "r-1", 4), [Row("s1", "milk", 2, "r-1:x", "t4", "t1")]));

        Assert.Equal(CommitOutcome.JournalConflict, journalConflict.Outcome);
        Assert.Equal(CommitOutcome.StockConflict, stockConflict.Outcome);
        Assert.Equal(CommitOutcome.DuplicateEntry, duplicateReceipt.Outcome);
        Assert.Equal(1, await CountAsync(data, "SELECT count(*) FROM register_journal"));
        Assert.Equal(1, await CountAsync(data, "SELECT count(*) FROM stock_movements"));
    }

    [Fact]
    public async Task A_run_of_journal_entries_commits_whole_or_not_at_all()
    {
        var (data, ledger) = await OpenAsync();
        await using var _ = data;
        await using var __ = ledger;

        await CommitRunsAsync(ledger);

        Assert.Equal(4, await CountAsync(data, "SELECT count(*) FROM register_journal"));
        Assert.Equal(3, await CountAsync(data, "SELECT count(*) FROM stock_movements"));
        Assert.Equal(new StockHead(new StockLevel("s1", "milk", 1, 0, 0, 3), "t3"), await new PostgresStockLedger(data).ReadHeadAsync("s1", "milk"));
    }

    /// <summary>Runs of a register's entries against a ledger, each answered by the rules both ledgers keep; leaves 4 entries and 3 rows of milk.</summary>
    internal static async Task CommitRunsAsync(ILedger ledger)
    {
        Assert.True((await ledger.CommitAsync(LedgerCommit.Of(Entry(1, "r-1", 1), [Row("s1", "milk", 1, "r-1:0", "t1", null)]))).IsCommitted);

        // Three device receipts in one commit, the last a receipt journaled already: none of them, nor their rows, lands.
        var withDuplicate = await ledger.CommitAsync(new LedgerCommit([Entry(2, "r-2", 2), Entry(3, "r-3", 3), Entry(4, "r-1", 4)],
            [Row("s1", "milk", 2, "r-2:0", "t2", "t1"), Row("s1", "milk", 3, "r-3:0", "t3", "t2")]));
        var repeatedInside = await ledger.CommitAsync(new LedgerCommit([Entry(2, "r-2", 2), Entry(3, "r-2", 3)], []));
        // The same three with the third one new: all of them land, in order, with both rows.
        var run = await ledger.CommitAsync(new LedgerCommit([Entry(2, "r-2", 2), Entry(3, "r-3", 3), Entry(4, "r-4", 4)],
            [Row("s1", "milk", 2, "r-2:0", "t2", "t1"), Row("s1", "milk", 3, "r-3:0", "t3", "t2")]));
        // A run that starts on a sequence taken: nothing of it lands.
        var taken = await ledger.CommitAsync(new LedgerCommit([Entry(4, "r-5", 5), Entry(5, "r-6", 6)], []));

        Assert.Equal(CommitOutcome.DuplicateEntry, withDuplicate.Outcome);
        Assert.Equal(CommitOutcome.DuplicateEntry, repeatedInside.Outcome);
        Assert.True(run.IsCommitted);
        Assert.Equal(CommitOutcome.JournalConflict, taken.Outcome);
    }

    [Fact]
    public async Task Rows_chained_across_commits_land_together_and_fall_with_the_row_below_them()
    {
        var (data, ledger) = await OpenAsync();
        await using var _ = data;
        await using var __ = ledger;

        // Two receipts on one hot SKU staged one on the other, committed at once: both land, versions 1 and 2.
        // The one on top may reach the ledger first, in a batch of its own: it is refused then, and tried again as its committer does.
        async Task<CommitResult> UntilBelowLandedAsync(LedgerCommit commit)
        {
            for (var attempt = 0; ; attempt++)
            {
                var result = await ledger.CommitAsync(commit);
                if (result.Outcome != CommitOutcome.StockConflict || attempt == 50)
                    return result;
                await Task.Delay(10);
            }
        }
        var both = await Task.WhenAll(
            ledger.CommitAsync(LedgerCommit.Of(Entry(1, "r-1", 1, register: "till-1"), [Row("s1", "hot", 1, "r-1:0", "a", null, 1)])),
            UntilBelowLandedAsync(LedgerCommit.Of(Entry(1, "r-2", 1, "9960440300654321", "till-2"), [Row("s1", "hot", 2, "r-2:0", "b", "a", 2)])));
        // The one below fails (its register's sequence is taken): the one staged on it cannot land either.
        var fallen = await Task.WhenAll(
            ledger.CommitAsync(LedgerCommit.Of(Entry(1, "r-3", 2, register: "till-1"), [Row("s1", "hot", 3, "r-3:0", "c", "b", 3)])),
            ledger.CommitAsync(LedgerCommit.Of(Entry(2, "r-4", 2, "9960440300654321", "till-2"), [Row("s1", "hot", 4, "r-4:0", "d", "c", 4)])));

        Assert.All(both, r => Assert.Equal(CommitOutcome.Committed, r.Outcome));
        Assert.Equal(CommitOutcome.JournalConflict, fallen[0].Outcome);
        Assert.Equal(CommitOutcome.StockConflict, fallen[1].Outcome);
        Assert.Equal(2, await CountAsync(data, "SELECT max(version) FROM stock_movements WHERE sku = 'hot'"));
        Assert.Equal(2, await CountAsync(data, "SELECT version FROM stock_heads WHERE sku = 'hot'"));
        Assert.Equal(2, await CountAsync(data, "SELECT count(*) FROM register_journal"));
    }

    [Fact]
    public async Task Three_commits_in_a_circle_sent_one_after_another_land_together_once_the_last_comes()
    {
        var (data, ledger) = await OpenAsync();
        await using var _ = data;
        await using var __ = ledger;
        // Each till is first on one pair and second on the next one's: none can land without the other two, and they
        // reach the ledger apart, so no single batch holds them unless the refused ones are written again.
        var a = LedgerCommit.Of(Entry(1, "a", 1, register: "till-1"), [Row("s1", "milk", 1, "a:milk", "a1", null), Row("s1", "tea", 2, "a:tea", "a2", "b1")]);
        var b = LedgerCommit.Of(Entry(1, "b", 1, "9960440300654321", "till-2"), [Row("s1", "tea", 1, "b:tea", "b1", null), Row("s1", "salt", 2, "b:salt", "b2", "c1")]);
        var c = LedgerCommit.Of(Entry(1, "c", 1, "9960440300654322", "till-3"), [Row("s1", "salt", 1, "c:salt", "c1", null), Row("s1", "milk", 2, "c:milk", "c2", "a1")]);

        var first = ledger.CommitAsync(a);
        await Task.Delay(5);
        var second = ledger.CommitAsync(b);
        await Task.Delay(5);
        var outcomes = await Task.WhenAll(first, second, ledger.CommitAsync(c));

        Assert.All(outcomes, r => Assert.Equal(CommitOutcome.Committed, r.Outcome));
        Assert.Equal(6, await CountAsync(data, "SELECT count(*) FROM stock_movements"));
        Assert.Equal(6, await CountAsync(data, "SELECT sum(version)::bigint FROM stock_heads"));
        Assert.Equal(3, await CountAsync(data, "SELECT count(*) FROM register_journal"));
    }

    [Fact]
    public async Task A_commit_held_for_a_row_below_that_never_comes_is_refused_and_writes_nothing()
    {
        var (data, ledger) = await OpenAsync();
        await using var _ = data;
        await using var __ = ledger;
        // Its tea row stands on till-2's first tea row, which never reaches the ledger.
        var orphan = LedgerCommit.Of(Entry(1, "a", 1), [Row("s1", "milk", 1, "a:milk", "a1", null), Row("s1", "tea", 2, "a:tea", "a2", "b1")]);
        var bystander = LedgerCommit.Of([Row("s1", "salt", 1, "x:salt", "x1", null)]);

        var held = ledger.CommitAsync(orphan);
        var passing = await ledger.CommitAsync(bystander);

        Assert.Equal(CommitOutcome.Committed, passing.Outcome);
        Assert.Equal(CommitOutcome.StockConflict, (await held).Outcome);
        Assert.Equal(1, await CountAsync(data, "SELECT count(*) FROM stock_movements"));
        Assert.Equal(0, await CountAsync(data, "SELECT count(*) FROM stock_movements WHERE sku IN ('milk', 'tea')"));
        Assert.Equal(0, await CountAsync(data, "SELECT count(*) FROM register_journal"));
    }

    [Fact]
    public async Task Commits_held_when_the_database_refuses_connections_are_answered_unavailable_and_nothing_lands()
    {
        // The held commit must still be waiting when the database goes away; on a slow machine it may have waited
        // out its time first (then it is refused, not held), so the run is tried again with a new database.
        for (var attempt = 0; ; attempt++)
        {
            var connectionString = await server.CreateDatabaseAsync();
            var database = new NpgsqlConnectionStringBuilder(connectionString).Database!;
            await using var data = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
            await using var admin = NpgsqlDataSource.Create(server.ServerConnectionString);
            await using var refuse = admin.CreateCommand($"ALTER DATABASE \"{database}\" WITH ALLOW_CONNECTIONS false");
            var ledger = new PostgresLedger(data, metrics.GetRequiredService<LedgerMetrics>(), NullLogger<PostgresLedger>.Instance);
            // a stands on b's first tea row; b comes only once the database refuses connections.
            var a = LedgerCommit.Of(Entry(1, "a", 1, register: "till-1"), [Row("s1", "tea", 2, "a:tea", "a2", "b1")]);
            var b = LedgerCommit.Of(Entry(1, "b", 1, "9960440300654321", "till-2"), [Row("s1", "tea", 1, "b:tea", "b1", null)]);

            var held = ledger.CommitAsync(a);
            await Task.Delay(5);
            await refuse.ExecuteNonQueryAsync();
            var late = await ledger.CommitAsync(b);
            var first = await held;
            await ledger.DisposeAsync();
            await using (var allow = admin.CreateCommand($"ALTER DATABASE \"{database}\" WITH ALLOW_CONNECTIONS true"))
                await allow.ExecuteNonQueryAsync();

            Assert.Equal(CommitOutcome.Unavailable, late.Outcome);
            Assert.NotEqual(CommitOutcome.Committed, first.Outcome);
            Assert.Equal(0, await CountAsync(data, "SELECT count(*) FROM stock_movements"));
            Assert.Equal(0, await CountAsync(data, "SELECT count(*) FROM register_journal"));
            if (first.Outcome == CommitOutcome.StockConflict && attempt < 4)
                continue;
            Assert.Equal(CommitOutcome.Unavailable, first.Outcome);
            return;
        }
    }

    [Fact]
    public async Task Two_activations_of_one_pair_writing_at_once_leave_no_hole_and_only_the_committed_rows_acknowledged()
    {
        var (data, ledger) = await OpenAsync();
        await using var _ = data;
        await using var __ = ledger;
        var stock = new PostgresStockLedger(data);
        await ledger.CommitAsync(LedgerCommit.Of([Row("s1", "twin", 1, "opening", "t0", null, 100)]));
        var head = (await stock.ReadHeadAsync("s1", "twin"))!;

        // Both activations loaded the same head; each writes 30 movements one after another, as a grain does.
        var acknowledged = await Task.WhenAll(new[] { "a", "b" }.Select(activation => Task.Run(async () =>
        {
            var chain = new StockChain(head.Level, head.Token);
            var mine = new List<StockMovementRecord>();
            for (var i = 0; i < 30; i++)
            {
                var (row, _) = chain.Stage(new StockMovement($"{activation}-{i}", MovementType.WriteOff, 1, "damaged"), DateTimeOffset.UtcNow);
                var result = await ledger.CommitAsync(LedgerCommit.Of([row!]));
                if (!result.IsCommitted)
                {
                    // Fenced: a real grain reloads from the ledger here and acknowledges nothing more.
                    Assert.Equal(CommitOutcome.StockConflict, result.Outcome);
                    break;
                }
                mine.AddRange(chain.Commit(row!.Record.MovementId, row.Token)!);
            }
            return mine;
        })));

        var history = (await stock.ReadHistoryAsync("s1", "twin", 1000, null)).Reverse().ToList();
        var told = acknowledged.SelectMany(a => a).ToList();
        Assert.Equal(Enumerable.Range(1, history.Count).Select(v => (long)v), history.Select(r => r.Version));
        Assert.Equal(told.Select(r => r.MovementId).Order(), history.Skip(1).Select(r => r.MovementId).Order());
        Assert.Contains(acknowledged, a => a.Count < 30);
        foreach (var record in told)
            Assert.Equal(record.OnHandAfter, history.Single(r => r.Version == record.Version).OnHandAfter);
        Assert.Equal(history[^1].OnHandAfter, (await stock.ReadHeadAsync("s1", "twin"))!.Level.OnHand);
        Assert.Equal(100m - told.Count, history[^1].OnHandAfter);
    }

    [Fact]
    public async Task An_unwritable_record_fails_its_own_commit_only()
    {
        var (data, ledger) = await OpenAsync();
        await using var _ = data;
        await using var __ = ledger;

        var results = await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            ledger.CommitAsync(LedgerCommit.Of([Row("s1", $"sku-{i}", 1, "m", $"t{i}", null, reason: i == 17 ? "bad\u0000reason" : "ok")]))));

        Assert.Equal(CommitOutcome.Rejected, results[17].Outcome);
        Assert.All(results.Where((_, i) => i != 17), r => Assert.Equal(CommitOutcome.Committed, r.Outcome));
        Assert.Equal(39, await CountAsync(data, "SELECT count(*) FROM stock_movements"));
    }

    [Fact]
    public async Task A_fiscal_document_is_journaled_once_per_fn_and_found_by_its_fd_number()
    {
        var (data, ledger) = await OpenAsync();
        await using var _ = data;
        await using var __ = ledger;
        var journal = new PostgresRegisterJournal(data);

        var outcomes = new List<CommitOutcome>();
        foreach (var entry in new[]
                 {
                     Entry(1, "r-1", 40),
                     Entry(2, "r-2", 40),                        // FD 40 of this FN is taken
                     Entry(2, "r-2", 40, "9960440300654321"),    // another FN numbers from 1 again
                     Entry(3, null, null, null),                 // an OFD confirmation names no document
                     Entry(4, null, null, null),
                 })
            outcomes.Add((await ledger.CommitAsync(LedgerCommit.Of(entry))).Outcome);
        var found = await journal.FindAsync("till-1", Fn, 40);
        var other = await journal.FindAsync("till-1", "9960440300654321", 40);
        var missing = await journal.FindAsync("till-1", Fn, 41);

        Assert.Equal([CommitOutcome.Committed, CommitOutcome.DuplicateEntry, CommitOutcome.Committed, CommitOutcome.Committed, CommitOutcome.Committed], outcomes);
        Assert.Equal(("r-1", 1L, Fn), (found!.ClientId, found.Sequence, found.FnSerial));
        Assert.Equal("r-2", other!.ClientId);
        Assert.Null(missing);
        Assert.Null((await journal.LatestAsync("till-1"))!.FnSerial);
    }

    [Fact]
    public async Task Levels_and_history_read_heads_and_rows()
    {
        var (data, ledger) = await OpenAsync();
        await using var _ = data;
        await using var __ = ledger;
        var stock = new PostgresStockLedger(data);
        string? previous = null;
        for (var v = 1; v <= 5; v++)
        {
            await ledger.CommitAsync(LedgerCommit.Of([Row("s1", "milk", v, $"m{v}", $"t{v}", previous, onHandAfter: v * 10)]));
            previous = $"t{v}";
        }
        await ledger.CommitAsync(LedgerCommit.Of([Row("s2", "milk", 1, "x", "x", null, onHandAfter: 3)]));
        await ledger.CommitAsync(LedgerCommit.Of([Row("s1", "tea", 1, "y", "y", null, onHandAfter: 4)]));

        var store = await stock.ReadLevelsAsync("s1", null);
        var chain = await stock.ReadLevelsAsync(null, "milk");
        var history = await stock.ReadHistoryAsync("s1", "milk", 2, beforeVersion: 5);

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
