using Microsoft.Extensions.Logging;
using Orleans.Utilities;
using Retail.Common;

namespace Retail.Stock;

/// <summary>
/// The latest level of many pairs. Stock grains send each change; changes may arrive out of order,
/// so only a higher version replaces a level.
/// </summary>
public sealed class StockLevelIndex
{
    private readonly Dictionary<(string StoreId, string Sku), StockLevel> levels = new();

    /// <summary>Takes a newer level; returns the level it replaced (null if none), or the level itself if it was stale.</summary>
    public StockLevel? Update(StockLevel level)
    {
        var key = (level.StoreId, level.Sku);
        if (!levels.TryGetValue(key, out var known) || known.Version < level.Version)
        {
            levels[key] = level;
            return known;
        }
        return level;
    }

    public IReadOnlyList<StockLevel> All() => levels.Values.ToList();

    /// <summary>How often a view compares itself with the ledger's heads, so a change notice lost in a fault is made good without the pair moving again.</summary>
    public static readonly TimeSpan ReconcileEvery = TimeSpan.FromSeconds(5);
}

[GenerateSerializer, Alias("StoreStockState")]
public sealed class StoreStockState
{
    [Id(0)] public Dictionary<string, decimal> ReorderPoints { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>
/// Every pair of one store. Levels are rebuilt from the ledger on activation; only the reorder points
/// are stored. A change that takes a pair below its reorder point raises <c>stock.low</c>, one that
/// takes onHand below zero <c>stock.negative</c>, on the store's <c>stock-events</c> stream; every
/// newer level goes to the subscribed observers (the API's live events), which renew their subscriptions.
/// </summary>
public sealed class StoreStockGrain(
    [PersistentState("store-stock", StorageNames.Stock)] IPersistentState<StoreStockState> state,
    IStockLedger ledger,
    TimeProvider clock,
    ILogger<StoreStockGrain> logger) : Grain, IStoreStockGrain
{
    public const string AlertsStream = "stock-events";
    public static readonly TimeSpan SubscriptionLifetime = TimeSpan.FromMinutes(1);
    private const int AlertsKept = 100;

    private readonly StockLevelIndex index = new();
    private readonly Queue<StockAlert> alerts = new();
    private readonly ObserverManager<IStockObserver> observers = new(SubscriptionLifetime, logger);
    private DateTimeOffset? reconciledAt;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var at = clock.GetUtcNow();
        foreach (var level in await ledger.ReadLevelsAsync(storeId: GrainKeys.Id(this.GetPrimaryKeyString()), sku: null))
            index.Update(level);
        reconciledAt = at;
        this.RegisterGrainTimer(ReconcileAsync, new GrainTimerCreationOptions(StockLevelIndex.ReconcileEvery, StockLevelIndex.ReconcileEvery));
    }

    /// <summary>The ledger's heads against the view: a pair whose notice was lost is taken as if notified (alerts and observers included).</summary>
    private async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        var at = clock.GetUtcNow();
        IReadOnlyList<StockLevel> levels;
        try
        {
            levels = await ledger.ReadLevelsAsync(storeId: GrainKeys.Id(this.GetPrimaryKeyString()), sku: null);
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            logger.LogWarning(error, "Store view {Key}: not reconciled with the ledger this time", this.GetPrimaryKeyString());
            return;
        }
        foreach (var level in levels)
            await ChangedAsync(level);
        reconciledAt = at;
    }

    public Task<DateTimeOffset?> ReconciledAtAsync() => Task.FromResult(reconciledAt);

    public async Task ChangedAsync(StockLevel level)
    {
        var before = index.Update(level);
        if (ReferenceEquals(before, level))
            return;
        if (observers.Count > 0)
            await observers.Notify(observer => observer.ChangedAsync(level));
        if (level.OnHand < 0 && (before is null || before.OnHand >= 0))
            await RaiseAsync("stock.negative", level, null);
        if (state.State.ReorderPoints.TryGetValue(level.Sku, out var reorderPoint)
            && level.Available + level.Incoming < reorderPoint
            && (before is null || before.Available + before.Incoming >= reorderPoint))
            await RaiseAsync("stock.low", level, reorderPoint);
    }

    private async Task RaiseAsync(string type, StockLevel level, decimal? reorderPoint)
    {
        var alert = new StockAlert($"{type}:{level.StoreId}/{level.Sku}:{level.Version}", type, level, reorderPoint, clock.GetUtcNow());
        alerts.Enqueue(alert);
        while (alerts.Count > AlertsKept)
            alerts.Dequeue();
        await this.GetStreamProvider(Hosting.RetailSilo.StreamProvider)
            .GetStream<StockAlert>(StreamId.Create(AlertsStream, this.GetPrimaryKeyString()))
            .OnNextAsync(alert);
        await GrainFactory.GetGrain<Integrations.IWebhookFeedGrain>(Integrations.IWebhookFeedGrain.Key).AnnounceAsync(alert);
    }

    public Task<IReadOnlyList<StockLevel>> ListAsync() => Task.FromResult(index.All());

    public async Task SetReorderPointsAsync(IReadOnlyDictionary<string, decimal> reorderPoints)
    {
        // Refreshed hourly for every store, mostly to the same figures: an unchanged set is not written again.
        var current = state.State.ReorderPoints;
        if (current.Count == reorderPoints.Count && reorderPoints.All(p => current.TryGetValue(p.Key, out var point) && point == p.Value))
            return;
        state.State.ReorderPoints = new Dictionary<string, decimal>(reorderPoints, StringComparer.Ordinal);
        await state.WriteStateAsync();
    }

    public Task<IReadOnlyDictionary<string, decimal>> ReorderPointsAsync() =>
        Task.FromResult<IReadOnlyDictionary<string, decimal>>(state.State.ReorderPoints);

    public Task<IReadOnlyList<StockAlert>> RecentAlertsAsync() => Task.FromResult<IReadOnlyList<StockAlert>>(alerts.ToList());

    public Task SubscribeAsync(IStockObserver observer)
    {
        observers.Subscribe(observer, observer);
        return Task.CompletedTask;
    }

    public Task UnsubscribeAsync(IStockObserver observer)
    {
        observers.Unsubscribe(observer);
        return Task.CompletedTask;
    }
}

/// <summary>One SKU in every store: the chain-wide view in one call.</summary>
public sealed class SkuStockGrain(IStockLedger ledger, TimeProvider clock, ILogger<SkuStockGrain> logger) : Grain, ISkuStockGrain
{
    private readonly StockLevelIndex index = new();
    private DateTimeOffset? reconciledAt;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await ReconcileAsync(cancellationToken);
        this.RegisterGrainTimer(ReconcileAsync, new GrainTimerCreationOptions(StockLevelIndex.ReconcileEvery, StockLevelIndex.ReconcileEvery));
    }

    private async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        var at = clock.GetUtcNow();
        try
        {
            foreach (var level in await ledger.ReadLevelsAsync(storeId: null, sku: GrainKeys.Id(this.GetPrimaryKeyString())))
                index.Update(level);
            reconciledAt = at;
        }
        catch (Exception error) when (error is not OutOfMemoryException && reconciledAt is not null)
        {
            logger.LogWarning(error, "Chain view {Key}: not reconciled with the ledger this time", this.GetPrimaryKeyString());
        }
    }

    public Task<DateTimeOffset?> ReconciledAtAsync() => Task.FromResult(reconciledAt);

    public Task ChangedAsync(StockLevel level)
    {
        index.Update(level);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<StockLevel>> ListAsync() => Task.FromResult(index.All());
}
