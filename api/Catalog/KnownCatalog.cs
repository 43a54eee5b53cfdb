using System.Collections.Concurrent;
using Retail.Catalog;
using Retail.Common;

namespace Retail.Api.Catalog;

/// <summary>
/// Stores and SKUs this API process has seen exist, and the checks every request on them starts with. They
/// are never deleted, so a yes is final and a request on a known pair skips two grain calls; a no is always
/// asked again. One per API process (a DI singleton), so two hosts in one process never share answers.
/// </summary>
public sealed class KnownCatalog(IGrainFactory grains)
{
    public async Task<DomainError?> CheckStoreAsync(string storeId) =>
        Api.Http.Validation.Key(storeId, "storeId") ?? (await StoreExistsAsync(storeId)
            ? null
            : new DomainError(ErrorCodes.UnknownStore, $"Store {storeId} is not known."));

    public async Task<DomainError?> CheckSkuAsync(string sku) =>
        Api.Http.Validation.Key(sku, "sku") ?? (await SkuExistsAsync(sku)
            ? null
            : new DomainError(ErrorCodes.UnknownSku, $"SKU {sku} is not known."));

    public async Task<DomainError?> CheckPairAsync(string storeId, string sku) =>
        await CheckStoreAsync(storeId) ?? await CheckSkuAsync(sku);

    private readonly ConcurrentDictionary<string, bool> stores = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> skus = new(StringComparer.Ordinal);

    public ValueTask<bool> StoreExistsAsync(string storeId) =>
        ExistsAsync(stores, storeId, async () => await grains.Get<IStoreGrain>(GrainKeys.Store(storeId)).GetAsync() is not null);

    public ValueTask<bool> SkuExistsAsync(string sku) =>
        ExistsAsync(skus, sku, async () => await grains.Get<ISkuGrain>(GrainKeys.Sku(sku)).GetAsync() is not null);

    private static async ValueTask<bool> ExistsAsync(ConcurrentDictionary<string, bool> known, string id, Func<Task<bool>> ask)
    {
        if (known.ContainsKey(id))
            return true;
        if (!await ask())
            return false;
        known.TryAdd(id, true);
        return true;
    }
}
