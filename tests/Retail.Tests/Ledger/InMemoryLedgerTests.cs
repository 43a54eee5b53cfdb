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
