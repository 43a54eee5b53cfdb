using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Retail.Access;
using Retail.Common;
using Retail.Registers;

namespace Retail.Api.Access;

/// <summary>
/// Turns a bearer token into its caller. Keys live in <see cref="IApiKeyDirectoryGrain"/>; each
/// lookup (also a miss) is cached here for <c>Retail:Auth:KeyCacheSeconds</c> (5 by default), so a
/// key revoked through another API process stops working within that time, and through this one at once.
/// </summary>
public sealed class ApiCallers(AdminToken admin, IGrainFactory grains, IOptions<AuthOptions> options) : IDisposable
{
    private readonly TimeSpan cacheFor = TimeSpan.FromSeconds(options.Value.KeyCacheSeconds);

    private sealed record Cached(ApiCaller? Caller);

    // Bounded, so that a flood of made-up tokens cannot fill memory; past the limit lookups go uncached.
    private readonly MemoryCache cache = new(new MemoryCacheOptions { SizeLimit = 10_000 });

    public async ValueTask<ApiCaller?> FindAsync(string token)
    {
        if (admin.Matches(token))
            return ApiCaller.Operator;
        if (token.Length > ApiKeyTokens.MaxLength)
            return null;
        var hash = ApiKeyTokens.Hash(token);
        if (cache.TryGetValue(hash, out Cached? cached))
            return cached!.Caller;
        var key = await grains.Get<IApiKeyDirectoryGrain>(GrainKeys.ApiKeyDirectory).FindByTokenHashAsync(hash);
        var caller = key is null ? null : await CallerOfAsync(key);
        cache.Set(hash, new Cached(caller), new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = cacheFor });
        return caller;
    }

    /// <summary>A key by its id with its caller (cached like a token lookup); null for a key that does not exist or was revoked.</summary>
    public async ValueTask<(ApiKey Key, ApiCaller Caller)?> FindByIdAsync(string keyId)
    {
        var entry = $"id:{keyId}";
        if (cache.TryGetValue(entry, out (ApiKey, ApiCaller)? cached))
            return cached;
        var key = (await grains.Get<IApiKeyDirectoryGrain>(GrainKeys.ApiKeyDirectory).ListAsync()).FirstOrDefault(k => k.Id == keyId);
        (ApiKey, ApiCaller)? found = key is null ? null : (key, await CallerOfAsync(key));
        cache.Set(entry, found, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = cacheFor });
        return found;
    }

    /// <summary>Drops a revoked key at once (other API processes drop it when their entry expires).</summary>
    public void Forget(ApiKey key)
    {
        cache.Remove(key.TokenHash);
        cache.Remove($"id:{key.Id}");
    }

    private async Task<ApiCaller> CallerOfAsync(ApiKey key)
    {
        var registers = key.RegisterIds.ToHashSet(StringComparer.Ordinal);
        var stores = key.StoreIds.ToHashSet(StringComparer.Ordinal);
        if (key.Role == ApiRole.Cashier)
        {
            // A register never moves to another store, so its store is safe to cache with the key.
            var views = await Task.WhenAll(registers.Select(id => grains.Get<IRegisterGrain>(GrainKeys.Register(id)).GetAsync()));
            stores = views.OfType<RegisterView>().Select(v => v.StoreId).ToHashSet(StringComparer.Ordinal);
        }
        return new ApiCaller(key.Id, key.Role, stores, registers);
    }

    public void Dispose() => cache.Dispose();
}
