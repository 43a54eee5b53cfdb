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
        Assert.True((await ledger.CommitAsync(LedgerCommit.Of(Entry(1, "r-1", 1), [Row("s1", "milk", 1, "r-1:0", "t1", null)]))).IsCommitted);

        var withDuplicate = await ledger.CommitAsync(new LedgerCommit([Entry(2, "r-2", 2), Entry(3, "r-3", 3), Entry(4, "r-1", 4)],
            [Row("s1", "milk", 2, "r-2:0", "t2", "t1"), Row("s1", "milk", 3, "r-3:0", "t3", "t2")]));
        var repeatedInside = await ledger.CommitAsync(new LedgerCommit([Entry(2, "r-2", 2), Entry(3, "r-2", 3)], []));
        var run = await ledger.CommitAsync(new LedgerCommit([Entry(2, "r-2", 2), Entry(3, "r-3", 3), Entry(4, "r-4", 4)],
            [Row("s1", "milk", 2, "r-2:0", "t2", "t1"), Row("s1", "milk", 3, "r-3:0", "t3", "t2")]));
        var taken = await ledger.CommitAsync(new LedgerCommit([Entry(4, "r-5", 5), Entry(5, "r-6", 6)], []));

        Assert.Equal(CommitOutcome.DuplicateEntry, withDuplicate.Outcome);
        Assert.Equal(CommitOutcome.DuplicateEntry, repeatedInside.Outcome);
        Assert.True(run.IsCommitted);
        Assert.Equal(CommitOutcome.JournalConflict, taken.Outcome);
        Assert.Equal([1L, 2, 3, 4], (await ledger.Journal.ReadAfterAsync("till-1", 0, 10)).Select(e => e.Sequence));
        Assert.Equal(3, (await ledger.Stock.ReadHistoryAsync("s1", "milk", 10, null)).Count);
    }
}
