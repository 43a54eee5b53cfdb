using Retail.Orleans.Common;

namespace Retail.Orleans.Catalog;

[GenerateSerializer, Alias("StoreState")]
public sealed class StoreState
{
    [Id(0)] public Store? Store { get; set; }
}

public sealed class StoreGrain(
    [PersistentState("store", StorageNames.Catalog)] IPersistentState<StoreState> state) : Grain, IStoreGrain
{
    public async Task<Store> DefineAsync(Store store)
    {
        var isNew = state.State.Store is null;
        if (state.State.Store != store)
        {
            state.State.Store = store;
            await state.WriteStateAsync();
        }
        if (isNew)
            await GrainFactory.Get<IChainGrain>("chain").AddStoreAsync(store.StoreId);
        return store;
    }

    public Task<Store?> GetAsync() => Task.FromResult(state.State.Store);
}

[GenerateSerializer, Alias("SkuState")]
public sealed class SkuState
{
    [Id(0)] public Sku? Sku { get; set; }
}

public sealed class SkuGrain(
    [PersistentState("sku", StorageNames.Catalog)] IPersistentState<SkuState> state) : Grain, ISkuGrain
{
    public async Task<DefineSkuResult> DefineAsync(Sku sku)
    {
        if (await Recipes.FindProblemAsync(sku, code => GrainFactory.Get<ISkuGrain>(GrainKeys.Sku(code)).GetAsync()) is { } problem)
            return new DefineSkuResult(null, problem);
        if (!Equals(state.State.Sku, sku))
        {
            state.State.Sku = sku;
            await state.WriteStateAsync();
        }
        return new DefineSkuResult(sku, null);
    }

    public Task<Sku?> GetAsync() => Task.FromResult(state.State.Sku);
}

[GenerateSerializer, Alias("ChainState")]
public sealed class ChainState
{
    [Id(0)] public SortedSet<string> StoreIds { get; set; } = new(StringComparer.Ordinal);
}

public sealed class ChainGrain(
    [PersistentState("chain", StorageNames.Catalog)] IPersistentState<ChainState> state) : Grain, IChainGrain
{
    public async Task AddStoreAsync(string storeId)
    {
        if (state.State.StoreIds.Add(storeId))
            await state.WriteStateAsync();
    }

    public Task<IReadOnlyList<string>> StoreIdsAsync() => Task.FromResult<IReadOnlyList<string>>(state.State.StoreIds.ToList());
}
