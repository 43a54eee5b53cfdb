namespace Retail.Stock;

/// <summary>A pair's latest committed level and the token of the staged row that wrote it.</summary>
public sealed record StockHead(StockLevel Level, string Token);

/// <summary>
/// The stock ledger, read side: every applied movement, once, in version order per pair, and each
/// pair's head. Rows are written only through <see cref="Ledger.ILedger"/>, with the journal entry
/// that caused them.
/// </summary>
public interface IStockLedger
{
    Task<StockHead?> ReadHeadAsync(string storeId, string sku);

    /// <summary>
    /// Gives the pair's head a new token if it is still (version, token): a row staged on the old token can
    /// then never land (its committer died, and its commit may still be in flight). False when the head has moved.
    /// </summary>
    Task<bool> FenceAsync(string storeId, string sku, long version, string? token, string newToken);

    Task<StockMovementRecord?> FindAsync(string storeId, string sku, string movementId);

    /// <summary>The pair's records, newest first, before a version when given.</summary>
    Task<IReadOnlyList<StockMovementRecord>> ReadHistoryAsync(string storeId, string sku, int limit, long? beforeVersion);

    /// <summary>The latest level of every pair of a store (or of a SKU across stores).</summary>
    Task<IReadOnlyList<StockLevel>> ReadLevelsAsync(string? storeId, string? sku);
}
