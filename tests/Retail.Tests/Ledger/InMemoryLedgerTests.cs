using Retail.Ledger;
using Retail.Registers;
using Retail.Stock;
using static Retail.Tests.Postgres.PostgresLedgerTests;

namespace Retail.Tests.Ledger;

/// <summary>The embedded mode's ledger keeps the database's rules for a run of journal entries.</summary>
public sealed class InMemoryLedgerTests
{
    [Fact]
    public async Task A_run_of_journal_entries_commits_whole_or_not_at_all()
    {
        var ledger = new InMemoryLedger(new InMemoryStockLedger(), new InMemoryRegisterJournal());

        await CommitRunsAsync(ledger);

        Assert.Equal([1L, 2, 3, 4], (await ledger.Journal.ReadAfterAsync("till-1", 0, 10)).Select(e => e.Sequence));
        Assert.Equal(3, (await ledger.Stock.ReadHistoryAsync("s1", "milk", 10, null)).Count);
    }
}

/// <summary>Commits whose rows sit on each other's across pairs land together, as the database's group commit lands them.</summary>
public sealed class InMemoryLedgerCrossingTests
{
    private static (LedgerCommit A, LedgerCommit B) Crossing() =>
        // Till 1 staged first on milk, till 2 first on tea: each one's second row sits on the other's first.
        (LedgerCommit.Of(Entry(1, "a", 1, register: "till-1"), [Row("s1", "milk", 1, "a:milk", "a1", null), Row("s1", "tea", 2, "a:tea", "a2", "b1")]),
         LedgerCommit.Of(Entry(1, "b", 1, register: "till-2"), [Row("s1", "tea", 1, "b:tea", "b1", null), Row("s1", "milk", 2, "b:milk", "b2", "a1")]));

    [Fact]
    public async Task Commits_crossing_on_two_pairs_land_together()
    {
        var ledger = new InMemoryLedger(new InMemoryStockLedger(), new InMemoryRegisterJournal());
        var (a, b) = Crossing();

        var outcomes = await Task.WhenAll(ledger.CommitAsync(a), ledger.CommitAsync(b));

        Assert.All(outcomes, o => Assert.True(o.IsCommitted));
        Assert.Equal([1L, 2], (await ledger.Stock.ReadHistoryAsync("s1", "milk", 10, null)).Select(r => r.Version).Order());
        Assert.Equal([1L, 2], (await ledger.Stock.ReadHistoryAsync("s1", "tea", 10, null)).Select(r => r.Version).Order());
        Assert.Single(await ledger.Journal.ReadAfterAsync("till-2", 0, 10));
    }

    [Fact]
    public async Task Three_commits_in_a_circle_land_together_once_the_last_of_them_comes()
    {
        var ledger = new InMemoryLedger(new InMemoryStockLedger(), new InMemoryRegisterJournal());
        // Each till is first on one pair and second on the next one's: no two of them can land without the third.
        var a = LedgerCommit.Of(Entry(1, "a", 1, register: "till-1"), [Row("s1", "milk", 1, "a:milk", "a1", null), Row("s1", "tea", 2, "a:tea", "a2", "b1")]);
        var b = LedgerCommit.Of(Entry(1, "b", 1, register: "till-2"), [Row("s1", "tea", 1, "b:tea", "b1", null), Row("s1", "salt", 2, "b:salt", "b2", "c1")]);
        var c = LedgerCommit.Of(Entry(1, "c", 1, register: "till-3"), [Row("s1", "salt", 1, "c:salt", "c1", null), Row("s1", "milk", 2, "c:milk", "c2", "a1")]);

        var first = ledger.CommitAsync(a);
        var second = ledger.CommitAsync(b);
        Assert.False(first.IsCompleted || second.IsCompleted);
        var outcomes = await Task.WhenAll(first, second, ledger.CommitAsync(c)).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.All(outcomes, o => Assert.True(o.IsCommitted));
        foreach (var sku in new[] { "milk", "tea", "salt" })
            Assert.Equal([1L, 2], (await ledger.Stock.ReadHistoryAsync("s1", sku, 10, null)).Select(r => r.Version).Order());
    }

    [Fact]
    public void Of_two_commits_on_the_same_row_below_only_the_first_can_land_and_what_sits_on_the_other_stays_out()
    {
        var stock = new InMemoryStockLedger();
        var first = new[] { Row("s1", "milk", 1, "m1", "t1", null) };
        var fork = new[] { Row("s1", "milk", 1, "m2", "t2", null) };
        var onFork = new[] { Row("s1", "milk", 2, "m3", "t3", "t2") };
        var elsewhere = new[] { Row("s1", "tea", 1, "m4", "t4", null) };

        Assert.Equal([0, 3], stock.Landable([first, fork, onFork, elsewhere]));
    }

    [Fact]
    public async Task A_commit_whose_row_below_never_comes_is_refused_and_changes_nothing()
    {
        var ledger = new InMemoryLedger(new InMemoryStockLedger(), new InMemoryRegisterJournal());
        var (a, _) = Crossing();

        var alone = await ledger.CommitAsync(a).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(CommitOutcome.StockConflict, alone.Outcome);
        Assert.Empty(await ledger.Stock.ReadHistoryAsync("s1", "milk", 10, null));
        Assert.Empty(await ledger.Journal.ReadAfterAsync("till-1", 0, 10));
    }

    [Fact]
    public async Task A_waiting_commit_lands_once_the_row_below_it_lands()
    {
        var ledger = new InMemoryLedger(new InMemoryStockLedger(), new InMemoryRegisterJournal());
        var below = LedgerCommit.Of([Row("s1", "milk", 1, "m1", "t1", null)]);
        var above = LedgerCommit.Of([Row("s1", "milk", 2, "m2", "t2", "t1")]);

        var waiting = ledger.CommitAsync(above);
        var landed = await ledger.CommitAsync(below);

        Assert.True(landed.IsCommitted);
        Assert.True((await waiting.WaitAsync(TimeSpan.FromSeconds(10))).IsCommitted);
        Assert.Equal([1L, 2], (await ledger.Stock.ReadHistoryAsync("s1", "milk", 10, null)).Select(r => r.Version).Order());
    }
}
