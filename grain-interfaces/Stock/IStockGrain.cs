using Retail.Common;

namespace Retail.Stock;

/// <summary>The single writer of one store's stock of one SKU. Key: <c>{storeId}/{sku}</c>.</summary>
[Alias("IStockGrain")]
public interface IStockGrain : IGrainWithStringKey
{
    /// <summary>A movement of its own (a manual write-off, a goods receipt...): staged, committed and answered by the grain.</summary>
    [Alias("Apply")]
    Task<Outcome<StockMovementRecord>> ApplyAsync(StockMovement movement);

    /// <summary>
    /// A movement another grain commits with its own record (a receipt's line with the receipt's journal
    /// entry): computed on the head and held until <see cref="SettleAsync"/>. Reads see it only once committed.
    /// </summary>
    /// <remarks>
    /// A document's movements on one pair are staged in one call, so they sit together and in order. <paramref name="committer"/>
    /// is the silo of the grain that commits them: once membership declares it dead, its rows are settled from the ledger at once.
    /// </remarks>
    [Alias("Stage")]
    Task<IReadOnlyList<StageResult>> StageAsync([Immutable] IReadOnlyList<StockMovement> movements, SiloAddress committer);

    /// <summary>
    /// The rows staged now for one document's movements on this pair, in the order they were staged
    /// (computed again if an earlier staged row failed meanwhile), once the rows below the first of them have settled.
    /// </summary>
    [Alias("RestageRows")]
    Task<IReadOnlyList<StageResult>> RestageAsync([Immutable] IReadOnlyList<string> movementIds);

    /// <summary>How a document's rows on this pair ended (its commit landed, failed, or went unanswered), in the order they were staged.</summary>
    [Alias("SettleRows")]
    Task SettleAsync([Immutable] IReadOnlyList<SettledMovement> settled);

    /// <summary>
    /// The document holding this movement is journaled (a till's retry was answered from the journal):
    /// a row still waiting for its settlement is looked up in the ledger now, so the answer and the stock agree.
    /// </summary>
    [Alias("ConfirmApplied")]
    Task ConfirmAppliedAsync(string movementId);

    [Alias("Get"), ReadOnly]
    Task<StockLevel> GetAsync();

    /// <summary>The pair's movements from the ledger, newest first.</summary>
    [Alias("History"), ReadOnly]
    Task<IReadOnlyList<StockMovementRecord>> HistoryAsync(int limit, long? beforeVersion);
}

/// <summary>
/// Live stock of every SKU in one store, fed by its stock grains, with the reorder points procurement
/// sets; raises <c>stock.low</c> and <c>stock.negative</c>, and passes each change on to subscribed
/// observers. Key: <c>store/{storeId}</c>.
/// </summary>
[Alias("IStoreStockGrain")]
public interface IStoreStockGrain : IGrainWithStringKey
{
    [Alias("Changed"), OneWay]
    Task ChangedAsync(StockLevel level);

    [Alias("List"), ReadOnly]
    Task<IReadOnlyList<StockLevel>> ListAsync();

    /// <summary>When the view last compared itself with the ledger: every change committed before then is in it.</summary>
    [Alias("ReconciledAt"), ReadOnly]
    Task<DateTimeOffset?> ReconciledAtAsync();

    [Alias("SetReorderPoints")]
    Task SetReorderPointsAsync(IReadOnlyDictionary<string, decimal> reorderPoints);

    [Alias("ReorderPoints"), ReadOnly]
    Task<IReadOnlyDictionary<string, decimal>> ReorderPointsAsync();

    [Alias("Alerts"), ReadOnly]
    Task<IReadOnlyList<StockAlert>> RecentAlertsAsync();

    /// <summary>
    /// Sends each newer level of this store to the observer from now on. A subscription lapses
    /// after a minute unless renewed by subscribing again.
    /// </summary>
    [Alias("Subscribe")]
    Task SubscribeAsync(IStockObserver observer);

    [Alias("Unsubscribe")]
    Task UnsubscribeAsync(IStockObserver observer);
}

/// <summary>Receives stock changes from <see cref="IStoreStockGrain"/> (the live stock events of the API).</summary>
[Alias("IStockObserver")]
public interface IStockObserver : IGrainObserver
{
    [Alias("Changed"), OneWay]
    Task ChangedAsync(StockLevel level);
}

/// <summary>Chain-wide stock of one SKU, store by store, fed by its stock grains. Key: <c>sku/{sku}</c>.</summary>
[Alias("ISkuStockGrain")]
public interface ISkuStockGrain : IGrainWithStringKey
{
    [Alias("Changed"), OneWay]
    Task ChangedAsync(StockLevel level);

    [Alias("List"), ReadOnly]
    Task<IReadOnlyList<StockLevel>> ListAsync();

    /// <summary>When the view last compared itself with the ledger: every change committed before then is in it.</summary>
    [Alias("ReconciledAt"), ReadOnly]
    Task<DateTimeOffset?> ReconciledAtAsync();
}

/// <summary>A stock event for integrations: <c>stock.low</c> (below the reorder point) or <c>stock.negative</c>.</summary>
[GenerateSerializer, Immutable, Alias("StockAlert")]
public sealed record StockAlert(
    [property: Id(0)] string EventId,
    [property: Id(1)] string Type,
    [property: Id(2)] StockLevel Level,
    [property: Id(3)] decimal? ReorderPoint,
    [property: Id(4)] DateTimeOffset OccurredAt);
