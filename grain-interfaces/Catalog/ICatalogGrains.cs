using Retail.Common;

namespace Retail.Catalog;

/// <summary>A store's master data. Key: <c>store/{storeId}</c>.</summary>
[Alias("IStoreGrain")]
public interface IStoreGrain : IGrainWithStringKey
{
    [Alias("Define")]
    Task<Store> DefineAsync(Store store);

    [Alias("Get"), ReadOnly, AlwaysInterleave]
    Task<Store?> GetAsync();

    /// <summary>A register registered for this store (its registration tells it; repeating it changes nothing).</summary>
    [Alias("AddRegister")]
    Task AddRegisterAsync(string registerId);

    /// <summary>The ids of the store's registers, in order.</summary>
    [Alias("RegisterIds"), ReadOnly, AlwaysInterleave]
    Task<IReadOnlyList<string>> RegisterIdsAsync();
}

/// <summary>A SKU's master data and recipe. Key: <c>sku/{sku}</c>.</summary>
[Alias("ISkuGrain")]
public interface ISkuGrain : IGrainWithStringKey
{
    /// <summary>Refuses a recipe whose components are unknown or lead back to this SKU.</summary>
    [Alias("Define")]
    Task<Outcome<Sku>> DefineAsync(Sku sku);

    // Interleaved so that a recipe walk may read any SKU, also one that is itself defining.
    [Alias("Get"), ReadOnly, AlwaysInterleave]
    Task<Sku?> GetAsync();
}

/// <summary>The list of the chain's stores. Key: <c>chain</c>.</summary>
[Alias("IChainGrain")]
public interface IChainGrain : IGrainWithStringKey
{
    [Alias("AddStore")]
    Task AddStoreAsync(string storeId);

    [Alias("StoreIds"), ReadOnly]
    Task<IReadOnlyList<string>> StoreIdsAsync();
}

/// <summary>SKUs by another name than their code: a barcode, or their exact catalog name. Key: <see cref="GrainKeys.SkuAlias"/>.</summary>
[Alias("ISkuAliasGrain")]
public interface ISkuAliasGrain : IGrainWithStringKey
{
    [Alias("Get"), ReadOnly, AlwaysInterleave]
    Task<string?> GetAsync();

    /// <summary>This name now means the SKU (the latest definition wins).</summary>
    [Alias("Set")]
    Task SetAsync(string sku);

    /// <summary>The SKU no longer goes by this name; a name another SKU took since is left alone.</summary>
    [Alias("Forget")]
    Task ForgetAsync(string sku);
}
