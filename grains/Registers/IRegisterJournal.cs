using Retail.Ledger;

namespace Retail.Registers;

/// <summary>
/// One entry of a register's journal: a fiscal document or an OFD confirmation, and the drive state after it.
/// A fiscal document carries its FN serial (1041) and FD number (1040), which name it once per register.
/// <see cref="Document"/> and <see cref="StateAfter"/> are JSON in UTF-8, as written once and stored.
/// </summary>
public sealed record JournalEntry(
    string RegisterId,
    long Sequence,
    string Kind,
    string? ClientId,
    long? FiscalDocumentNumber,
    string? Fingerprint,
    byte[] Document,
    byte[] StateAfter,
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

    /// <summary>
    /// Receipts and document transitions of every register and document after <paramref name="after"/>, in
    /// commit order, at most <paramref name="limit"/>: only entries nothing can commit before any more, so
    /// a reader that moves its position past what it read never skips an entry that commits late.
    /// </summary>
    Task<IReadOnlyList<FeedEntry>> ReadFeedAfterAsync(FeedPosition after, int limit);

    /// <summary>The feed position of the journal's end now: what a new reader starts after.</summary>
    Task<FeedPosition> FeedEndAsync();
}

/// <summary>A place in the journal's commit order: the writing transaction, then the row.</summary>
[GenerateSerializer, Immutable, Alias("FeedPosition")]
public readonly record struct FeedPosition([property: Id(0)] long Transaction, [property: Id(1)] long Row);

public sealed record FeedEntry(JournalEntry Entry, FeedPosition Position);

/// <summary>The embedded mode's journal: one process, nothing durable, indexed as the database's is.</summary>
public sealed class InMemoryRegisterJournal : IRegisterJournal
{
    private readonly Lock sync = new();
    private readonly Dictionary<string, List<JournalEntry>> registers = new(StringComparer.Ordinal);
    private readonly Dictionary<(string RegisterId, string ClientId), JournalEntry> byClientId = [];
    private readonly Dictionary<(string RegisterId, string FnSerial, long Number), JournalEntry> byDocument = [];
    private readonly Dictionary<string, SortedSet<string>> storeRegisters = new(StringComparer.Ordinal);

    /// <summary>Receipts and document transitions in commit order (appends are made under the ledger's lock).</summary>
    private readonly List<JournalEntry> feed = [];

    /// <summary>Why the entries (a register's next ones, in order) cannot be appended (null: they can), by the database's rules.</summary>
    internal CommitResult? Check(IReadOnlyList<JournalEntry> entries)
    {
        lock (sync)
        {
            for (var k = 0; k < entries.Count; k++)
            {
                var entry = entries[k];
                var before = entries.Take(k).Where(e => e.RegisterId == entry.RegisterId).ToList();
                if (entry.ClientId is not null && (byClientId.ContainsKey((entry.RegisterId, entry.ClientId)) || before.Any(e => e.ClientId == entry.ClientId)))
                    return new CommitResult(CommitOutcome.DuplicateEntry);
                if (entry is { FnSerial: { } fn, FiscalDocumentNumber: { } number }
                    && (byDocument.ContainsKey((entry.RegisterId, fn, number)) || before.Any(e => e.FnSerial == fn && e.FiscalDocumentNumber == number)))
                    return new CommitResult(CommitOutcome.DuplicateEntry);
                long? last = before.Count > 0 ? before[^1].Sequence
                    : registers.TryGetValue(entry.RegisterId, out var journaled) ? (journaled.Count > 0 ? journaled[^1].Sequence : 0) : null;
                if (last is null ? entry.Sequence != 1 : last >= entry.Sequence)
                    return new CommitResult(CommitOutcome.JournalConflict);
            }
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
            if (entry.Kind is JournalKinds.Receipt or Documents.DocumentJournal<object>.Kind)
                feed.Add(entry);
            if (entry.ClientId is not null)
                byClientId[(entry.RegisterId, entry.ClientId)] = entry;
            if (entry is { FnSerial: { } fn, FiscalDocumentNumber: { } number })
                byDocument[(entry.RegisterId, fn, number)] = entry;
            if (entry.StoreId is not null)
            {
                if (!storeRegisters.TryGetValue(entry.StoreId, out var ids))
                    storeRegisters[entry.StoreId] = ids = new SortedSet<string>(StringComparer.Ordinal);
                ids.Add(entry.RegisterId);
            }
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
            return Task.FromResult(byClientId.GetValueOrDefault((registerId, clientId)));
    }

    public Task<IReadOnlyList<JournalEntry>> ReadStoreReceiptsAfterAsync(string storeId, IReadOnlyDictionary<string, long> checkpoints, int limit)
    {
        lock (sync)
            return Task.FromResult<IReadOnlyList<JournalEntry>>(storeRegisters.TryGetValue(storeId, out var ids)
                ? ids.SelectMany(id => After(registers[id], checkpoints.GetValueOrDefault(id)))
                    .Where(e => e.Kind == JournalKinds.Receipt && e.StoreId == storeId)
                    .Take(limit).ToList()
                : []);
    }

    public Task<JournalEntry?> FindAsync(string registerId, string fnSerial, long fiscalDocumentNumber)
    {
        lock (sync)
            return Task.FromResult(byDocument.GetValueOrDefault((registerId, fnSerial, fiscalDocumentNumber)));
    }

    public Task<IReadOnlyList<FeedEntry>> ReadFeedAfterAsync(FeedPosition after, int limit)
    {
        lock (sync)
            return Task.FromResult<IReadOnlyList<FeedEntry>>(feed.Skip((int)after.Row).Take(limit)
                .Select((entry, i) => new FeedEntry(entry, new FeedPosition(0, after.Row + i + 1))).ToList());
    }

    public Task<FeedPosition> FeedEndAsync()
    {
        lock (sync)
            return Task.FromResult(new FeedPosition(0, feed.Count));
    }

    public Task<IReadOnlyList<JournalEntry>> ReadAfterAsync(string registerId, long afterSequence, int limit)
    {
        lock (sync)
            return Task.FromResult<IReadOnlyList<JournalEntry>>(registers.TryGetValue(registerId, out var entries)
                ? After(entries, afterSequence).Take(limit).ToList()
                : []);
    }

    /// <summary>A register's entries after a sequence number: its entries are in sequence order, so found by halving.</summary>
    private static IEnumerable<JournalEntry> After(List<JournalEntry> entries, long afterSequence)
    {
        int low = 0, high = entries.Count;
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (entries[middle].Sequence <= afterSequence) low = middle + 1; else high = middle;
        }
        for (var i = low; i < entries.Count; i++)
            yield return entries[i];
    }
}
