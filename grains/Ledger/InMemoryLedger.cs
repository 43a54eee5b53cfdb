using Retail.Registers;
using Retail.Stock;

namespace Retail.Ledger;

/// <summary>
/// The embedded mode's ledger: each commit checked and applied whole under one lock, with the rules of the database's.
/// Like the database's group commit, it lands commits together whose rows sit on each other's across pairs (tills'
/// receipts whose stages reached their stock grains in different orders): none of them can land alone, so a commit refused
/// for a row below it waits a moment for the commits it may need, and they land as one.
/// </summary>
public sealed class InMemoryLedger(InMemoryStockLedger stock, InMemoryRegisterJournal journal) : ILedger
{
    /// <summary>How long a commit refused for a row below it waits for another commit to land with.</summary>
    public static readonly TimeSpan Waiting = TimeSpan.FromMilliseconds(50);

    private readonly Lock sync = new();
    private readonly List<(LedgerCommit Commit, TaskCompletionSource<CommitResult> Done)> waiting = [];

    public InMemoryStockLedger Stock => stock;

    public InMemoryRegisterJournal Journal => journal;

    public Task<CommitResult> CommitAsync(LedgerCommit commit)
    {
        lock (sync)
        {
            var alone = TryApply([commit]);
            if (alone.IsCommitted)
                LandWaiting();
            if (alone.Outcome != CommitOutcome.StockConflict)
                return Task.FromResult(alone);
            var candidates = waiting.Select(w => w.Commit).Append(commit).ToList();
            var landable = stock.Landable(candidates.Select(c => c.Stock).ToList());
            if (landable.Count > 0 && landable[^1] == candidates.Count - 1 && TryApply(landable.Select(i => candidates[i]).ToList()).IsCommitted)
            {
                foreach (var other in landable.SkipLast(1).Select(i => waiting[i]).ToList())
                {
                    waiting.Remove(other);
                    other.Done.TrySetResult(CommitResult.Committed);
                }
                LandWaiting();
                return Task.FromResult(CommitResult.Committed);
            }
            var done = new TaskCompletionSource<CommitResult>(TaskCreationOptions.RunContinuationsAsynchronously);
            var entry = (commit, done);
            waiting.Add(entry);
            _ = Task.Delay(Waiting).ContinueWith(_ =>
            {
                lock (sync)
                    if (waiting.Remove(entry))
                        done.TrySetResult(alone);
            }, TaskScheduler.Default);
            return done.Task;
        }
    }

    /// <summary>Waiting commits that a commit just landed lets land alone.</summary>
    private void LandWaiting()
    {
        for (var landed = true; landed;)
        {
            landed = false;
            foreach (var other in waiting.ToList())
                if (TryApply([other.Commit]).IsCommitted)
                {
                    waiting.Remove(other);
                    other.Done.TrySetResult(CommitResult.Committed);
                    landed = true;
                }
        }
    }

    /// <summary>The commits as one: their entries and rows checked together and appended together, or nothing.</summary>
    private CommitResult TryApply(IReadOnlyList<LedgerCommit> commits)
    {
        var entries = commits.SelectMany(c => c.Entries).ToList();
        var rows = commits.SelectMany(c => c.Stock)
            .OrderBy(r => r.Record.StoreId, StringComparer.Ordinal).ThenBy(r => r.Record.Sku, StringComparer.Ordinal).ThenBy(r => r.Record.Version)
            .ToList();
        if (journal.Check(entries) is { } refused)
            return refused;
        if (stock.Check(rows) is { } conflict)
            return conflict;
        foreach (var entry in entries)
            journal.Append(entry);
        stock.Append(rows);
        return CommitResult.Committed;
    }
}
