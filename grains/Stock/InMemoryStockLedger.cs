namespace Retail.Orleans.Stock;

/// <summary>The embedded mode's ledger: one process, nothing durable.</summary>
public sealed class InMemoryStockLedger : IStockLedger
{
    private readonly Lock sync = new();
    private readonly Dictionary<(string StoreId, string Sku), List<StockMovementRecord>> pairs = new();
    private readonly Dictionary<(string StoreId, string Sku, string MovementId), StockMovementRecord> byMovementId = new();

    public Task<IReadOnlyList<AppendOutcome>> AppendManyAsync(IReadOnlyList<StockMovementRecord> records)
    {
        lock (sync)
            return Task.FromResult<IReadOnlyList<AppendOutcome>>(records.Select(Append).ToList());
    }

    public Task<AppendOutcome> AppendAsync(StockMovementRecord record)
    {
        lock (sync)
            return Task.FromResult(Append(record));
    }

    /// <summary>Called under the lock.</summary>
    private AppendOutcome Append(StockMovementRecord record)
    {
        if (byMovementId.ContainsKey((record.StoreId, record.Sku, record.MovementId)))
            return AppendOutcome.DuplicateMovement;
        var records = Records(record.StoreId, record.Sku);
        if (records.Count > 0 && records[^1].Version >= record.Version)
            return AppendOutcome.VersionTaken;
        records.Add(record);
        byMovementId[(record.StoreId, record.Sku, record.MovementId)] = record;
        return AppendOutcome.Appended;
    }

    public Task<StockMovementRecord?> FindAsync(string storeId, string sku, string movementId)
    {
        lock (sync)
            return Task.FromResult(byMovementId.GetValueOrDefault((storeId, sku, movementId)));
    }

    public Task<IReadOnlyList<StockMovementRecord>> ReadAfterAsync(string storeId, string sku, long afterVersion)
    {
        lock (sync)
            return Task.FromResult<IReadOnlyList<StockMovementRecord>>(
                Records(storeId, sku).Where(r => r.Version > afterVersion).ToList());
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
            return Task.FromResult<IReadOnlyList<StockLevel>>(pairs
                .Where(p => (storeId is null || p.Key.StoreId == storeId) && (sku is null || p.Key.Sku == sku) && p.Value.Count > 0)
                .Select(p => p.Value[^1].LevelAfter).ToList());
    }

    private List<StockMovementRecord> Records(string storeId, string sku)
    {
        if (!pairs.TryGetValue((storeId, sku), out var records))
            pairs[(storeId, sku)] = records = [];
        return records;
    }
}
