using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Retail.Hosting;
using Retail.Ledger;
using Retail.Registers;
using Retail.Stock;

namespace Retail.Tests.Postgres;

/// <summary>
/// The catch-up read of a store's receipts after per-register checkpoints, on a real PostgreSQL and on
/// the in-memory journal, which must answer alike.
/// </summary>
[Collection(PostgresServer.Collection)]
public sealed class StoreReceiptsCatchUpTests(PostgresServer server)
{
    // Register a: 1 registration, 2 receipt, 3 OFD confirmation, 4 and 5 receipts; b: 1 and 2 receipts; c (another store): 1 receipt.
    private static readonly JournalEntry[] Journal =
    [
        Entry("a", 1, JournalKinds.Registration), Entry("a", 2, JournalKinds.Receipt), Entry("a", 3, JournalKinds.OfdConfirmation),
        Entry("a", 4, JournalKinds.Receipt), Entry("a", 5, JournalKinds.Receipt),
        Entry("b", 1, JournalKinds.Receipt), Entry("b", 2, JournalKinds.Receipt),
        Entry("c", 1, JournalKinds.Receipt, store: "s2"),
    ];

    private static JournalEntry Entry(string register, long sequence, string kind, string store = "s1") =>
        new(register, sequence, kind, kind == JournalKinds.Receipt ? $"{register}-{sequence}" : null, sequence, "fp", "{}"u8.ToArray(), "{}"u8.ToArray(),
            DateTimeOffset.UtcNow, store, FnSerial: $"99604403001234{register[0] - 'a'}{sequence}");

    [Fact]
    public async Task Postgres_reads_a_stores_receipts_after_each_registers_checkpoint_including_unseen_registers()
    {
        await using var data = NpgsqlDataSource.Create(await server.CreateDatabaseAsync());
        await using var metrics = new ServiceCollection().AddGrainMetrics().BuildServiceProvider();
        await using var ledger = new PostgresLedger(data, metrics.GetRequiredService<LedgerMetrics>(), NullLogger<PostgresLedger>.Instance);
        foreach (var entry in Journal)
            Assert.True((await ledger.CommitAsync(LedgerCommit.Of(entry))).IsCommitted);
        await AssertCatchUpAsync(new PostgresRegisterJournal(data));
    }

    [Fact]
    public async Task The_in_memory_journal_reads_them_alike()
    {
        var ledger = new InMemoryLedger(new InMemoryStockLedger(), new InMemoryRegisterJournal());
        foreach (var entry in Journal)
            Assert.True((await ledger.CommitAsync(LedgerCommit.Of(entry))).IsCommitted);
        await AssertCatchUpAsync(ledger.Journal);
    }

    private static async Task AssertCatchUpAsync(IRegisterJournal journal)
    {
        async Task<string[]> Read(Dictionary<string, long> checkpoints, int limit = 100) =>
            (await journal.ReadStoreReceiptsAfterAsync("s1", checkpoints, limit)).Select(e => $"{e.RegisterId}{e.Sequence}").ToArray();

        Assert.Equal(["a2", "a4", "a5", "b1", "b2"], await Read([]));
        // b was never seen: all of its receipts come, after a's beyond its checkpoint.
        Assert.Equal(["a4", "a5", "b1", "b2"], await Read(new() { ["a"] = 2 }));
        Assert.Equal(["a4", "a5", "b1"], await Read(new() { ["a"] = 3 }, limit: 3));
        Assert.Equal(["b2"], await Read(new() { ["a"] = 5, ["b"] = 1 }));
        // A checkpoint of a register of another store, or one with nothing left, changes nothing.
        Assert.Empty(await Read(new() { ["a"] = 5, ["b"] = 2, ["c"] = 0 }));
    }
}
