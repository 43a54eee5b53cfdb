namespace Retail.Access;

/// <summary>What a key may do (API.md, "Authentication").</summary>
[GenerateSerializer, Alias("ApiRole")]
public enum ApiRole
{
    /// <summary>Everything.</summary>
    Admin = 0,

    /// <summary>Stock, counts, transfers, purchase orders and analytics of its stores.</summary>
    Manager = 1,

    /// <summary>Fiscal commands of its registers; stock reads of their stores.</summary>
    Cashier = 2,

    /// <summary>Orders, imports, webhooks and ATOL-compatible fiscalization for its stores.</summary>
    Integration = 3,
}

/// <summary>
/// An issued API key. Only the SHA-256 of its token is kept: the clear token is shown once, when
/// the key is issued, and can never be read back.
/// </summary>
[GenerateSerializer, Immutable, Alias("ApiKey")]
public sealed record ApiKey(
    [property: Id(0)] string Id,
    [property: Id(1)] ApiRole Role,
    [property: Id(2)] IReadOnlyList<string> StoreIds,
    [property: Id(3)] IReadOnlyList<string> RegisterIds,
    [property: Id(4)] DateTimeOffset CreatedAt,
    [property: Id(5)] string TokenHash);

/// <summary>Every API key of the chain. Key: <c>access/api-keys</c>.</summary>
[Alias("IApiKeyDirectoryGrain")]
public interface IApiKeyDirectoryGrain : IGrainWithStringKey
{
    /// <summary>Stores a new key; refused if its id or token hash is already taken.</summary>
    [Alias("Issue")]
    Task<Common.Outcome<ApiKey>> IssueAsync(ApiKey key);

    [Alias("List"), ReadOnly]
    Task<IReadOnlyList<ApiKey>> ListAsync();

    [Alias("FindByTokenHash"), ReadOnly]
    Task<ApiKey?> FindByTokenHashAsync(string tokenHash);

    /// <summary>Removes a key; returns it, or null when no key has that id.</summary>
    [Alias("Revoke")]
    Task<ApiKey?> RevokeAsync(string id);
}
