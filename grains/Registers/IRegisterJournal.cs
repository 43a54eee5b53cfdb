using Retail.Orleans.Ledger;

namespace Retail.Orleans.Registers;

/// <summary>
/// One entry of a register's journal: a fiscal document or an OFD confirmation, and the drive state after it.
/// A fiscal document carries its FN serial (1041) and FD number (1040), which name it once per register.
/// </summary>
public sealed record JournalEntry(
    string RegisterId,
    long Sequence,
    string Kind,
    string? ClientId,
    long? FiscalDocumentNumber,
    string? Fingerprint,
    string Document,
    string StateAfter,
    DateTimeOffset RecordedAt,
    string? StoreId = null,
    string? FnSerial = null);

/// <summary>
/// The registers' journal, read side: each register's entries, once, in sequence order. Entries are
/// written only through <see cref="ILedger"/>, with the stock movements they cause.
/// </summary>
public interface IRegisterJournal
{
    Task<JournalEntry?> LatestAsync(string registerId);

    Task<JournalEntry?> FindAsync(string registerId, string clientId);

    /// <summary>The entry of a fiscal document, by its FN serial and FD number.</summary>
    Task<JournalEntry?> FindAsync(string registerId, string fnSerial, long fiscalDocumentNumber);

    /// <summary>The register's entries after a sequence number, oldest first.</summary>
    Task<IReadOnlyList<JournalEntry>> ReadAfterAsync(string registerId, long afterSequence, int limit);

    /// <summary>
    /// One store's receipts after each register's checkpoint (a journal sequence; a register missing from
    /// <paramref name="checkpoints"/> starts at 0), ordered by register and sequence, at most <paramref name="limit"/>:
    /// how stream consumers catch up on what the stream lost.
    /// </summary>
    Task<IReadOnlyList<JournalEntry>> ReadStoreReceiptsAfterAsync(string storeId, IReadOnlyDictionary<string, long> checkpoints, int limit);
}

/// <summary>The embedded mode's journal: one process, nothing durable.</summary>
public sealed class InMemoryRegisterJournal : IRegisterJournal
{
    private readonly Lock sync = new();
    private readonly Dictionary<string, List<JournalEntry>> registers = new(StringComparer.Ordinal);

    /// <summary>Why the entry cannot be appended (null: it can), by the database's rules.</summary>
    internal CommitResult? Check(JournalEntry entry)
    {
        lock (sync)
        {
            if (!registers.TryGetValue(entry.RegisterId, out var entries))
                return entry.Sequence == 1 ? null : new CommitResult(CommitOutcome.JournalConflict);
            if (entry.ClientId is not null && entries.Any(e => e.ClientId == entry.ClientId))
                return new CommitResult(CommitOutcome.DuplicateEntry);
            if (entry is { FnSerial: not null, FiscalDocumentNumber: not null }
                && entries.Any(e => e.FnSerial == entry.FnSerial && e.FiscalDocumentNumber == entry.FiscalDocumentNumber))
                return new CommitResult(CommitOutcome.DuplicateEntry);
            if (entries.Count > 0 && entries[^1].Sequence >= entry.Sequence)
                return new CommitResult(CommitOutcome.JournalConflict);
            return null;
        }
    }

    internal void Append(JournalEntry entry)
    {
        lock (sync)
        {
            if (!registers.TryGetValue(entry.RegisterId, out var entries))
                registers[entry.RegisterId] = entries = [];
            entries.Add(entry);
        }
    }

    public Task<JournalEntry?> LatestAsync(string registerId)
    {
        lock (sync)
            return Task.FromResult(registers.TryGetValue(registerId, out var entries) && entries.Count > 0 ? entries[^1] : null);
    }

    public Task<JournalEntry?> FindAsync(string registerId, string clientId)
    {
        lock (sync)
            return Task.FromResult(registers.TryGetValue(registerId, out var entries) ? entries.LastOrDefault(e => e.ClientId == clientId) : null);
    }

    public Task<IReadOnlyList<JournalEntry>> ReadStoreReceiptsAfterAsync(string storeId, IReadOnlyDictionary<string, long> checkpoints, int limit)
    {
        lock (sync)
            return Task.FromResult<IReadOnlyList<JournalEntry>>(registers
                .OrderBy(r => r.Key, StringComparer.Ordinal)
                .SelectMany(r => r.Value.Where(e => e.Sequence > checkpoints.GetValueOrDefault(r.Key)))
                .Where(e => e.Kind == JournalKinds.Receipt && e.StoreId == storeId)
                .Take(limit).ToList());
    }

    public Task<JournalEntry?> FindAsync(string registerId, string fnSerial, long fiscalDocumentNumber)
    {
        lock (sync)
            return Task.FromResult(registers.TryGetValue(registerId, out var entries)
                ? entries.LastOrDefault(e => e.FnSerial == fnSerial && e.FiscalDocumentNumber == fiscalDocumentNumber)
                : null);
    }

    public Task<IReadOnlyList<JournalEntry>> ReadAfterAsync(string registerId, long afterSequence, int limit)
    {
        lock (sync)
            return Task.FromResult<IReadOnlyList<JournalEntry>>(registers.TryGetValue(registerId, out var entries)
                ? entries.Where(e => e.Sequence > afterSequence).Take(limit).ToList()
                : []);
    }
}
