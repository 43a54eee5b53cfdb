using Retail.Common;

namespace Retail.Access;

[GenerateSerializer, Alias("ApiKeyDirectoryState")]
public sealed class ApiKeyDirectoryState
{
    [Id(0)] public Dictionary<string, ApiKey> Keys { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>
/// The chain's API keys in one grain: there are few of them, and the API caches each lookup for a
/// few seconds, so one activation answers every process of the cluster.
/// </summary>
public sealed class ApiKeyDirectoryGrain(
    [PersistentState("apiKeys", StorageNames.Access)] IPersistentState<ApiKeyDirectoryState> state) : Grain, IApiKeyDirectoryGrain
{
    private readonly Dictionary<string, ApiKey> byTokenHash = new(StringComparer.Ordinal);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        foreach (var key in state.State.Keys.Values)
            byTokenHash[key.TokenHash] = key;
        return Task.CompletedTask;
    }

    public async Task<Outcome<ApiKey>> IssueAsync(ApiKey key)
    {
        if (state.State.Keys.ContainsKey(key.Id) || byTokenHash.ContainsKey(key.TokenHash))
            return new DomainError(ErrorCodes.IdempotencyConflict, $"API key {key.Id} already exists.", "id");
        // Plain arrays: the JSON grain storage must be able to construct whatever list type it reads back.
        key = key with { StoreIds = key.StoreIds.ToArray(), RegisterIds = key.RegisterIds.ToArray() };
        state.State.Keys[key.Id] = key;
        byTokenHash[key.TokenHash] = key;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // A key that was not saved must not work, not even until the next activation.
            state.State.Keys.Remove(key.Id);
            byTokenHash.Remove(key.TokenHash);
            throw;
        }
        return Outcome<ApiKey>.Ok(key);
    }

    public Task<IReadOnlyList<ApiKey>> ListAsync() =>
        Task.FromResult<IReadOnlyList<ApiKey>>(state.State.Keys.Values.OrderBy(k => k.CreatedAt).ThenBy(k => k.Id, StringComparer.Ordinal).ToList());

    public Task<ApiKey?> FindByTokenHashAsync(string tokenHash) =>
        Task.FromResult(byTokenHash.GetValueOrDefault(tokenHash));

    public async Task<ApiKey?> RevokeAsync(string id)
    {
        if (!state.State.Keys.Remove(id, out var key))
            return null;
        byTokenHash.Remove(key.TokenHash);
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            state.State.Keys[id] = key;
            byTokenHash[key.TokenHash] = key;
            throw;
        }
        return key;
    }
}
