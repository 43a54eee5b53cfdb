using System.Security.Cryptography;
using System.Text;

namespace Retail.Orleans.Api.Access;

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
}
