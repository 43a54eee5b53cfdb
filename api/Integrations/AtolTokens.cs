using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Retail.Access;
using Retail.Api.Access;
using Retail.Integrations;

namespace Retail.Api.Integrations;

/// <summary>
/// The protocol's session tokens: <c>getToken</c> with an integration key's id and token gives one that lives
/// <see cref="Lifetime"/>. A token names its key and expiry and is signed with the key's own stored hash, so any API
/// process can check it without a table, and revoking the key ends its tokens too.
/// </summary>
public sealed class AtolTokens(ApiCallers callers, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);
    private const string Prefix = "atl.";

    /// <summary>A token for the key whose id is <paramref name="login"/> and token <paramref name="pass"/>; null when they do not match an integration key.</summary>
    public async ValueTask<string?> IssueAsync(string login, string pass)
    {
        if (await callers.FindAsync(pass) is not { Role: ApiRole.Integration } caller || caller.KeyId != login
            || await callers.FindByIdAsync(login) is not { } found)
            return null;
        var expires = clock.GetUtcNow().Add(Lifetime).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var claim = $"{Base64Url.EncodeToString(Encoding.UTF8.GetBytes(login))}.{expires}";
        return $"{Prefix}{claim}.{Sign(found.Key.TokenHash, claim)}";
    }

    /// <summary>The caller a token stands for, or the protocol's error code: 10 not a token of ours, 11 expired.</summary>
    public async ValueTask<(ApiCaller? Caller, int Error)> CheckAsync(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 1000 || !token.StartsWith(Prefix, StringComparison.Ordinal))
            return (null, AtolProtocol.MissingToken);
        var parts = token[Prefix.Length..].Split('.');
        if (parts.Length != 3 || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var expires))
            return (null, AtolProtocol.MissingToken);
        string keyId;
        try
        {
            keyId = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(parts[0]));
        }
        catch (FormatException)
        {
            return (null, AtolProtocol.MissingToken);
        }
        if (await callers.FindByIdAsync(keyId) is not { } found
            || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(found.Key.TokenHash, $"{parts[0]}.{parts[1]}")), Encoding.ASCII.GetBytes(parts[2])))
            return (null, AtolProtocol.MissingToken);
        if (clock.GetUtcNow().ToUnixTimeSeconds() >= expires)
            return (null, AtolProtocol.ExpiredToken);
        return (found.Caller, 0);
    }

    private static string Sign(string keyHash, string claim) =>
        Base64Url.EncodeToString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(keyHash), Encoding.UTF8.GetBytes(claim)));
}
