using Retail.Common;
using Retail.Procurement;

namespace Retail.Catalog;

[GenerateSerializer, Alias("StoreState")]
public sealed class StoreState
{
    [Id(0)] public Store? Store { get; set; }

    [Id(1)] public SortedSet<string> RegisterIds { get; set; } = new(StringComparer.Ordinal);
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
            await GrainFactory.Get<IChainGrain>(GrainKeys.Chain).AddStoreAsync(store.StoreId);
        // Every define, not only the first: a store defined before the refresh was scheduled gets it too.
        await GrainFactory.Get<IProcurementGrain>(GrainKeys.Store(store.StoreId)).ScheduleRefreshAsync();
        return store;
    }

    public Task<Store?> GetAsync() => Task.FromResult(state.State.Store);

    public async Task AddRegisterAsync(string registerId)
    {
        // A state stored before registers were listed has none yet.
        state.State.RegisterIds ??= new SortedSet<string>(StringComparer.Ordinal);
        if (state.State.RegisterIds.Add(registerId))
            await state.WriteStateAsync();
    }

    public Task<IReadOnlyList<string>> RegisterIdsAsync() =>
        Task.FromResult<IReadOnlyList<string>>(state.State.RegisterIds?.ToList() ?? []);
}

[GenerateSerializer, Alias("SkuState")]
public sealed class SkuState
{
    [Id(0)] public Sku? Sku { get; set; }
}

public sealed class SkuGrain(
    [PersistentState("sku", StorageNames.Catalog)] IPersistentState<SkuState> state) : Grain, ISkuGrain
{
    public async Task<Outcome<Sku>> DefineAsync(Sku sku)
    {
        if (await Recipes.FindProblemAsync(sku, code => GrainFactory.Get<ISkuGrain>(GrainKeys.Sku(code)).GetAsync()) is { } problem)
            return problem;
        var before = state.State.Sku;
        if (!Equals(before, sku))
        {
            state.State.Sku = sku;
            await state.WriteStateAsync();
        }
        // After the definition is stored: a lookup by an alias checks the SKU still has it, so a crash between leaves no wrong match.
        var now = SkuAliases.Of(sku);
        await Task.WhenAll(now.Select(key => GrainFactory.Get<ISkuAliasGrain>(key).SetAsync(sku.Code)));
        if (before is not null)
            await Task.WhenAll(SkuAliases.Of(before).Except(now).Select(key => GrainFactory.Get<ISkuAliasGrain>(key).ForgetAsync(sku.Code)));
        return Outcome<Sku>.Ok(sku);
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

[GenerateSerializer, Alias("SkuAliasState")]
public sealed class SkuAliasState
{
    [Id(0)] public string? Sku { get; set; }
}

public sealed class SkuAliasGrain(
    [PersistentState("sku-alias", StorageNames.Catalog)] IPersistentState<SkuAliasState> state) : Grain, ISkuAliasGrain
{
    public Task<string?> GetAsync() => Task.FromResult(state.State.Sku);

    public async Task SetAsync(string sku)
    {
        if (state.State.Sku == sku)
            return;
        state.State.Sku = sku;
        await state.WriteStateAsync();
    }

    public async Task ForgetAsync(string sku)
    {
        if (state.State.Sku != sku)
            return;
        state.State.Sku = null;
        await state.WriteStateAsync();
    }
}

/// <summary>The other names a SKU is found by: each barcode, and its exact catalog name.</summary>
public static class SkuAliases
{
    public const string Barcode = "barcode";
    public const string Name = "name";

    public static IReadOnlyList<string> Of(Sku sku) =>
        sku.Barcodes.Select(b => GrainKeys.SkuAlias(Barcode, b)).Append(GrainKeys.SkuAlias(Name, sku.Name)).Distinct(StringComparer.Ordinal).ToList();
}
