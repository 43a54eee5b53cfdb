namespace Retail.Orleans.Stock;

/// <summary>The single writer of one store's stock of one SKU. Key: <c>{storeId}/{sku}</c>.</summary>
[Alias("IStockGrain")]
public interface IStockGrain : IGrainWithStringKey
{
    [Alias("Apply")]
    Task<StockResult> ApplyAsync(StockMovement movement);

    [Alias("Get"), ReadOnly]
    Task<StockLevel> GetAsync();

    /// <summary>The pair's movements from the ledger, newest first.</summary>
    [Alias("History"), ReadOnly]
    Task<IReadOnlyList<StockMovementRecord>> HistoryAsync(int limit, long? beforeVersion);
}

/// <summary>Live stock of every SKU in one store, fed by its stock grains. Key: <c>store/{storeId}</c>.</summary>
[Alias("IStoreStockGrain")]
public interface IStoreStockGrain : IGrainWithStringKey
{
    [Alias("Changed"), OneWay]
    Task ChangedAsync(StockLevel level);

    [Alias("List"), ReadOnly]
    Task<IReadOnlyList<StockLevel>> ListAsync();
}

/// <summary>Chain-wide stock of one SKU, store by store, fed by its stock grains. Key: <c>sku/{sku}</c>.</summary>
[Alias("ISkuStockGrain")]
public interface ISkuStockGrain : IGrainWithStringKey
{
    [Alias("Changed"), OneWay]
    Task ChangedAsync(StockLevel level);

    [Alias("List"), ReadOnly]
    Task<IReadOnlyList<StockLevel>> ListAsync();
}
