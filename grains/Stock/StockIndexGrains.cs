using Retail.Orleans.Common;

namespace Retail.Orleans.Stock;

/// <summary>
/// The latest level of many pairs. Stock grains send each change; changes may arrive out of order,
/// so only a higher version replaces a level.
/// </summary>
public sealed class StockLevelIndex
{
    private readonly Dictionary<(string StoreId, string Sku), StockLevel> levels = new();

    public void Update(StockLevel level)
    {
        var key = (level.StoreId, level.Sku);
        if (!levels.TryGetValue(key, out var known) || known.Version < level.Version)
            levels[key] = level;
    }

    public IReadOnlyList<StockLevel> All() => levels.Values.ToList();
}

/// <summary>Every pair of one store. Rebuilt from the ledger on activation, so it needs no storage of its own.</summary>
public sealed class StoreStockGrain(IStockLedger ledger) : Grain, IStoreStockGrain
{
    private readonly StockLevelIndex index = new();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        foreach (var level in await ledger.ReadLevelsAsync(storeId: GrainKeys.Id(this.GetPrimaryKeyString()), sku: null))
            index.Update(level);
    }

    public Task ChangedAsync(StockLevel level)
    {
        index.Update(level);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<StockLevel>> ListAsync() => Task.FromResult(index.All());
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
