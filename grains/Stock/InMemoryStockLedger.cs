using Retail.Ledger;

namespace Retail.Stock;

/// <summary>The embedded mode's ledger: one process, nothing durable. Written by <see cref="InMemoryLedger"/>.</summary>
public sealed class InMemoryStockLedger : IStockLedger
{
    private readonly Lock sync = new();
    private readonly Dictionary<(string StoreId, string Sku), List<StockMovementRecord>> pairs = new();
    private readonly Dictionary<(string StoreId, string Sku), StockHead> heads = new();
    private readonly Dictionary<(string StoreId, string Sku, string MovementId), StockMovementRecord> byMovementId = new();

    /// <summary>Why the rows cannot be appended as staged (null: they can). Rows of one pair follow each other in staging order.</summary>
    internal CommitResult? Check(IReadOnlyList<StagedMovement> rows)
    {
        lock (sync)
        {
            var tips = new Dictionary<(string, string), (long Version, string? Token)>();
            var duplicates = new List<string>();
            foreach (var row in rows)
            {
                var key = (row.Record.StoreId, row.Record.Sku);
                if (!tips.TryGetValue(key, out var tip))
                    tip = heads.TryGetValue(key, out var head) ? (head.Level.Version, head.Token) : (0, null);
                if (row.Record.Version != tip.Version + 1 || row.PreviousToken != tip.Token)
                    return new CommitResult(CommitOutcome.StockConflict);
                if (byMovementId.ContainsKey((row.Record.StoreId, row.Record.Sku, row.Record.MovementId)))
                    duplicates.Add(row.Record.MovementId);
                tips[key] = (row.Record.Version, row.Token);
            }
            return duplicates.Count > 0 ? new CommitResult(CommitOutcome.DuplicateMovement, duplicates) : null;
        }
    }

    /// <summary>
    /// Which of these commits can land together (indexes, in order): those whose every row continues its pair's head or
    /// another row of the commits kept. A commit on a row nobody here holds, or on a row another row also sits on, is left out,
    /// and so is whatever sits on it.
    /// </summary>
    public IReadOnlyList<int> Landable(IReadOnlyList<IReadOnlyList<StagedMovement>> commits)
    {
        lock (sync)
        {
            var kept = Enumerable.Range(0, commits.Count).ToList();
            while (true)
            {
                var above = new Dictionary<(string, string, string?), StagedMovement>();
                foreach (var row in kept.SelectMany(i => commits[i]))
                    above.TryAdd((row.Record.StoreId, row.Record.Sku, row.PreviousToken), row);
                var reachable = new HashSet<string>(StringComparer.Ordinal);
                foreach (var key in kept.SelectMany(i => commits[i]).Select(r => (r.Record.StoreId, r.Record.Sku)).Distinct())
                {
                    var (version, token) = heads.TryGetValue(key, out var head) ? (head.Level.Version, head.Token) : (0L, (string?)null);
                    while (above.TryGetValue((key.StoreId, key.Sku, token), out var row) && row.Record.Version == version + 1)
                    {
                        reachable.Add(row.Token);
                        (version, token) = (row.Record.Version, row.Token);
                    }
                }
                var left = kept.Where(i => commits[i].All(r => reachable.Contains(r.Token))).ToList();
                if (left.Count == kept.Count)
                    return kept;
                kept = left;
            }
        }
    }

    /// <summary>Appends rows that <see cref="Check"/> accepted.</summary>
    internal void Append(IReadOnlyList<StagedMovement> rows)
    {
        lock (sync)
            foreach (var row in rows)
            {
                var record = row.Record;
                Records(record.StoreId, record.Sku).Add(record);
                byMovementId[(record.StoreId, record.Sku, record.MovementId)] = record;
                heads[(record.StoreId, record.Sku)] = new StockHead(record.LevelAfter, row.Token);
            }
    }

    public Task<StockHead?> ReadHeadAsync(string storeId, string sku)
    {
        lock (sync)
            return Task.FromResult(heads.GetValueOrDefault((storeId, sku)));
    }

    public Task<bool> FenceAsync(string storeId, string sku, long version, string? token, string newToken)
    {
        lock (sync)
        {
            var key = (storeId, sku);
            var current = heads.TryGetValue(key, out var head) ? (head.Level.Version, head.Token) : (0, (string?)null);
            if (current != (version, token))
                return Task.FromResult(false);
            heads[key] = new StockHead(head?.Level ?? StockLevel.Empty(storeId, sku), newToken);
            return Task.FromResult(true);
        }
    }

    public Task<StockMovementRecord?> FindAsync(string storeId, string sku, string movementId)
    {
        lock (sync)
            return Task.FromResult(byMovementId.GetValueOrDefault((storeId, sku, movementId)));
    }

    public Task<IReadOnlyList<StockMovementRecord>> ReadHistoryAsync(string storeId, string sku, int limit, long? beforeVersion)
    {
        lock (sync)
            return Task.FromResult<IReadOnlyList<StockMovementRecord>>(Records(storeId, sku)
                .Where(r => beforeVersion is null || r.Version < beforeVersion)
                .OrderByDescending(r => r.Version).Take(limit).ToList());
    }

    public Task<IReadOnlyList<StockLevel>> ReadLevelsAsync(string? storeId, string? sku)
    {
        lock (sync)
            return Task.FromResult<IReadOnlyList<StockLevel>>(heads
                .Where(p => (storeId is null || p.Key.StoreId == storeId) && (sku is null || p.Key.Sku == sku))
                .Select(p => p.Value.Level).ToList());
    }

    private List<StockMovementRecord> Records(string storeId, string sku)
    {
        if (!pairs.TryGetValue((storeId, sku), out var records))
            pairs[(storeId, sku)] = records = [];
        return records;
    }
}
