namespace Retail.Orleans.Stock;

/// <summary>The outcome of appending a movement to the ledger.</summary>
public enum AppendOutcome
{
    Appended,
    /// <summary>The movement id was already in the ledger for this pair: nothing was written.</summary>
    DuplicateMovement,
    /// <summary>Another writer took this version: this activation's state is stale.</summary>
    VersionTaken,
}

/// <summary>The stock ledger: every applied movement, once, in version order per pair.</summary>
public interface IStockLedger
{
    Task<AppendOutcome> AppendAsync(StockMovementRecord record);

    /// <summary>Appends one pair's consecutive records in a single write: all are written, or (on an error) none.</summary>
    Task<IReadOnlyList<AppendOutcome>> AppendManyAsync(IReadOnlyList<StockMovementRecord> records);

    Task<StockMovementRecord?> FindAsync(string storeId, string sku, string movementId);

    /// <summary>The pair's records after a version, oldest first (replay on activation).</summary>
    Task<IReadOnlyList<StockMovementRecord>> ReadAfterAsync(string storeId, string sku, long afterVersion);

    /// <summary>The pair's records, newest first, before a version when given.</summary>
    Task<IReadOnlyList<StockMovementRecord>> ReadHistoryAsync(string storeId, string sku, int limit, long? beforeVersion);

    /// <summary>The latest level of every pair of a store (or of a SKU across stores).</summary>
    Task<IReadOnlyList<StockLevel>> ReadLevelsAsync(string? storeId, string? sku);
}
