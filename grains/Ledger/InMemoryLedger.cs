using Retail.Registers;
using Retail.Stock;

namespace Retail.Ledger;

/// <summary>The embedded mode's ledger: each commit checked and applied whole under one lock, with the rules of the database's.</summary>
public sealed class InMemoryLedger(InMemoryStockLedger stock, InMemoryRegisterJournal journal) : ILedger
{
    private readonly Lock sync = new();

    public InMemoryStockLedger Stock => stock;

    public InMemoryRegisterJournal Journal => journal;

    public Task<CommitResult> CommitAsync(LedgerCommit commit)
    {
        lock (sync)
        {
            if (journal.Check(commit.Entries) is { } refused)
                return Task.FromResult(refused);
            if (stock.Check(commit.Stock) is { } conflict)
                return Task.FromResult(conflict);
            foreach (var entry in commit.Entries)
                journal.Append(entry);
            stock.Append(commit.Stock);
            return Task.FromResult(CommitResult.Committed);
        }
    }
}
