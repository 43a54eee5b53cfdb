using Retail.Orleans.Stock;

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

/// <summary>The registers' journal: each register's entries, once, in sequence order.</summary>
public interface IRegisterJournal
{
    /// <summary>
    /// Appended, or <see cref="AppendOutcome.DuplicateMovement"/> for a client id already journaled, or
    /// <see cref="AppendOutcome.VersionTaken"/> (the sequence number, or the FN and FD number, taken).
    /// </summary>
    Task<AppendOutcome> AppendAsync(JournalEntry entry);

    Task<JournalEntry?> LatestAsync(string registerId);

    Task<JournalEntry?> FindAsync(string registerId, string clientId);

    /// <summary>The entry of a fiscal document, by its FN serial and FD number.</summary>
    Task<JournalEntry?> FindAsync(string registerId, string fnSerial, long fiscalDocumentNumber);

    /// <summary>The register's entries after a sequence number, oldest first.</summary>
    Task<IReadOnlyList<JournalEntry>> ReadAfterAsync(string registerId, long afterSequence, int limit);

    /// <summary>Every register's receipts of one store journaled after a moment, oldest first: how stream consumers catch up.</summary>
    Task<IReadOnlyList<JournalEntry>> ReadStoreReceiptsAsync(string storeId, DateTimeOffset after);
}

/// <summary>The embedded mode's journal: one process, nothing durable.</summary>
public sealed class InMemoryRegisterJournal : IRegisterJournal
{
    private readonly Lock sync = new();
    private readonly Dictionary<string, List<JournalEntry>> registers = new(StringComparer.Ordinal);

    public Task<AppendOutcome> AppendAsync(JournalEntry entry)
    {
        lock (sync)
        {
            if (!registers.TryGetValue(entry.RegisterId, out var entries))
                registers[entry.RegisterId] = entries = [];
            if (entry.ClientId is not null && entries.Any(e => e.ClientId == entry.ClientId))
                return Task.FromResult(AppendOutcome.DuplicateMovement);
            if (entries.Count > 0 && entries[^1].Sequence >= entry.Sequence)
                return Task.FromResult(AppendOutcome.VersionTaken);
            if (entry is { FnSerial: not null, FiscalDocumentNumber: not null }
                && entries.Any(e => e.FnSerial == entry.FnSerial && e.FiscalDocumentNumber == entry.FiscalDocumentNumber))
                return Task.FromResult(AppendOutcome.VersionTaken);
            entries.Add(entry);
            return Task.FromResult(AppendOutcome.Appended);
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

    public Task<IReadOnlyList<JournalEntry>> ReadStoreReceiptsAsync(string storeId, DateTimeOffset after)
    {
        lock (sync)
            return Task.FromResult<IReadOnlyList<JournalEntry>>(registers.Values.SelectMany(e => e)
                .Where(e => e.Kind == JournalKinds.Receipt && e.RecordedAt > after && e.StoreId == storeId)
                .OrderBy(e => e.RecordedAt).ToList());
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
