using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Retail.Access;

namespace Retail.Api.Access;

/// <summary>
/// Who is calling: the key's id (the rate limiter's partition), its role, and its scope.
/// <see cref="StoreIds"/> are the stores it acts on; for a cashier, the stores of its registers.
/// </summary>
public sealed record ApiCaller(string KeyId, ApiRole Role, IReadOnlySet<string> StoreIds, IReadOnlySet<string> RegisterIds)
{
    /// <summary>The holder of the configured admin token.</summary>
    public static readonly ApiCaller Operator = new("admin", ApiRole.Admin, new HashSet<string>(), new HashSet<string>());

    public bool IsAdmin => Role == ApiRole.Admin;

    public bool MayUseStore(string storeId) => IsAdmin || StoreIds.Contains(storeId);

    public bool MayUseRegister(string registerId) => IsAdmin || RegisterIds.Contains(registerId);
}

public static class ApiCallerExtensions
{
    /// <summary>The authenticated caller of an <c>/api</c> request (set before any handler runs).</summary>
    public static ApiCaller? GetApiCaller(this HttpContext context) => context.Features.Get<ApiCaller>();
}

/// <summary>API key tokens: 256 random bits, shown once; only their SHA-256 is ever stored.</summary>
public static class ApiKeyTokens
{
    public const string Prefix = "rtl_";

    /// <summary>Longer than any token we issue; a longer header is refused without a lookup.</summary>
    public const int MaxLength = 256;

    public static string NewToken() => Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static string NewId() => "key-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
