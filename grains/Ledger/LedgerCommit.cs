using Retail.Registers;
using Retail.Stock;

namespace Retail.Ledger;

/// <summary>
/// What one command makes durable, all or nothing, in one transaction: a register's journal entries
/// (none, one, or a run of consecutive ones: a batch of device receipts) and the stock movements they
/// cause (a receipt's lines, a grain's queued movements).
/// </summary>
public sealed record LedgerCommit(IReadOnlyList<JournalEntry> Entries, IReadOnlyList<StagedMovement> Stock)
{
    public static LedgerCommit Of(JournalEntry entry, IReadOnlyList<StagedMovement>? stock = null) => new([entry], stock ?? []);

    public static LedgerCommit Of(IReadOnlyList<StagedMovement> stock) => new([], stock);
}

public enum CommitOutcome
{
    Committed,
    /// <summary>The journal already holds this entry's client id (or FN and FD number): nothing was written.</summary>
    DuplicateEntry,
    /// <summary>A movement id was already in the ledger for its pair: nothing was written.</summary>
    DuplicateMovement,
    /// <summary>The register's sequence number was taken by another activation: nothing was written.</summary>
    JournalConflict,
    /// <summary>A pair's head is not the one a row was staged on (yet, or any more): nothing was written.</summary>
    StockConflict,
    /// <summary>The database did not take it in time (down, slow, queue full): nothing was written.</summary>
    Unavailable,
    /// <summary>The database went away while committing: it may or may not have been written; look it up before deciding.</summary>
    Unknown,
    /// <summary>The database refused this commit's own rows: nothing was written, and retrying will not help.</summary>
    Rejected,
}

/// <summary>The answer to a commit; <see cref="Duplicates"/> names the movement ids found in the ledger already.</summary>
public sealed record CommitResult(CommitOutcome Outcome, IReadOnlyList<string>? Duplicates = null)
{
    public static readonly CommitResult Committed = new(CommitOutcome.Committed);
    public static readonly CommitResult Unavailable = new(CommitOutcome.Unavailable);

    public bool IsCommitted => Outcome == CommitOutcome.Committed;
}

/// <summary>
/// The one durable step of every command: journal entry and stock rows in one transaction,
/// group-committed with other commands' steps.
/// </summary>
public interface ILedger
{
    Task<CommitResult> CommitAsync(LedgerCommit commit);
}
