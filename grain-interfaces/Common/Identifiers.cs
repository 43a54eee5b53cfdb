using System.Text.RegularExpressions;

namespace Retail.Common;

/// <summary>Identifiers of stores, SKUs, registers and documents: 1 to 128 safe characters.</summary>
public static partial class Identifiers
{
    public const int MaxLength = 128;

    /// <summary>Store, SKU and register ids become parts of grain keys, so no '/' or spaces.</summary>
    public static bool IsValidKey(string? id) => id is not null && KeyPattern().IsMatch(id);

    /// <summary>Client-chosen ids (movements, receipts, documents): any printable text up to 128 characters.</summary>
    public static bool IsValidClientId(string? id) =>
        !string.IsNullOrWhiteSpace(id) && id.Length <= MaxLength && !id.Any(char.IsControl);

    /// <summary>
    /// An id derived from the document that causes it (a receipt line's movement, an order's receipt), so a
    /// retried or replayed document writes nothing twice. One too long is hashed under its scheme word (the
    /// part before the first ':').
    /// </summary>
    public static string Derived(string id)
    {
        if (id.Length <= MaxLength)
            return id;
        var colon = id.IndexOf(':');
        var scheme = colon > 0 ? id[..colon] : "id";
        return $"{scheme}:" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(id)));
    }

    [GeneratedRegex(@"^[A-Za-z0-9._:-]{1,128}\z")]
    private static partial Regex KeyPattern();
}
