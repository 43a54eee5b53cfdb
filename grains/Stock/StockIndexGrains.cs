using Microsoft.Extensions.Logging;
using Orleans.Utilities;
using Retail.Orleans.Common;

namespace Retail.Orleans.Stock;

/// <summary>
/// The latest level of many pairs. Stock grains send each change; changes may arrive out of order,
/// so only a higher version replaces a level.
/// </summary>
public sealed class StockLevelIndex
{
    private readonly Dictionary<(string StoreId, string Sku), StockLevel> levels = new();

    /// <summary>Keeps the level if it is newer than the one known; says whether it was.</summary>
    public bool Update(StockLevel level)
    {
        var key = (level.StoreId, level.Sku);
        if (levels.TryGetValue(key, out var known) && known.Version >= level.Version)
            return false;
        levels[key] = level;
        return true;
    }

    public IReadOnlyList<StockLevel> All() => levels.Values.ToList();
}

/// <summary>
/// Every pair of one store. Rebuilt from the ledger on activation, so it needs no storage of its
/// own; subscribers (the API's live events) renew their subscriptions, so they need none either.
/// </summary>
public sealed class StoreStockGrain(IStockLedger ledger, ILogger<StoreStockGrain> logger) : Grain, IStoreStockGrain
{
    public static readonly TimeSpan SubscriptionLifetime = TimeSpan.FromMinutes(1);

    private readonly StockLevelIndex index = new();
    private readonly ObserverManager<IStockObserver> observers = new(SubscriptionLifetime, logger);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        foreach (var level in await ledger.ReadLevelsAsync(storeId: GrainKeys.Id(this.GetPrimaryKeyString()), sku: null))
            index.Update(level);
    }

    public Task ChangedAsync(StockLevel level) =>
        index.Update(level) && observers.Count > 0
            ? observers.Notify(observer => observer.ChangedAsync(level))
            : Task.CompletedTask;

    public Task<IReadOnlyList<StockLevel>> ListAsync() => Task.FromResult(index.All());

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
public sealed class SkuStockGrain(IStockLedger ledger) : Grain, ISkuStockGrain
{
    private readonly StockLevelIndex index = new();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        foreach (var level in await ledger.ReadLevelsAsync(storeId: null, sku: GrainKeys.Id(this.GetPrimaryKeyString())))
            index.Update(level);
    }

    public Task ChangedAsync(StockLevel level)
    {
        index.Update(level);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<StockLevel>> ListAsync() => Task.FromResult(index.All());
}
