using System.Collections.Concurrent;
using Retail.Orleans.Catalog;
using Retail.Orleans.Common;

namespace Retail.Orleans.Api.Catalog;

/// <summary>
/// Stores and SKUs this API process has seen exist. They are never deleted, so a yes is final and
/// a request on a known pair skips two grain calls; a no is always asked again.
/// </summary>
public sealed class KnownCatalog(IGrainFactory grains)
{
    private readonly ConcurrentDictionary<string, bool> stores = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> skus = new(StringComparer.Ordinal);

    public async ValueTask<bool> StoreExistsAsync(string storeId) =>
        stores.ContainsKey(storeId)
        || (await grains.GetGrain<IStoreGrain>(GrainKeys.Store(storeId)).GetAsync() is not null && stores.TryAdd(storeId, true))
        || stores.ContainsKey(storeId);

    public async ValueTask<bool> SkuExistsAsync(string sku) =>
        skus.ContainsKey(sku)
        || (await grains.GetGrain<ISkuGrain>(GrainKeys.Sku(sku)).GetAsync() is not null && skus.TryAdd(sku, true))
        || skus.ContainsKey(sku);
}
