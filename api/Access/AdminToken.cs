using System.Security.Cryptography;
using System.Text;

namespace Retail.Api.Access;

/// <summary>
/// The operator's own bearer token from <c>Retail:Auth:AdminToken</c>: an admin that needs no issued
/// key, so a fresh deployment can issue the first ones.
/// </summary>
public sealed class AdminToken(string token)
{
    /// <summary>Only the embedded demo mode may fall back to this well-known token.</summary>
    public const string EmbeddedDefault = "dev-admin-token";

    private readonly byte[] expected = Encoding.UTF8.GetBytes(token);

    public bool Matches(string presented) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), expected);

    /// <summary>A secret for one purpose that every API node of a deployment shares, without the token itself.</summary>
    public byte[] DeriveKey(string purpose) => HMACSHA256.HashData(expected, Encoding.UTF8.GetBytes(purpose));
}
