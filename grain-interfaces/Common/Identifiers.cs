using System.Text.RegularExpressions;

namespace Retail.Orleans.Common;

/// <summary>Identifiers of stores, SKUs, registers and documents: 1 to 128 safe characters.</summary>
public static partial class Identifiers
{
    public const int MaxLength = 128;

    /// <summary>Store, SKU and register ids become parts of grain keys, so no '/' or spaces.</summary>
    public static bool IsValidKey(string? id) => id is not null && KeyPattern().IsMatch(id);

    /// <summary>Client-chosen ids (movements, receipts, documents): any printable text up to 128 characters.</summary>
    public static bool IsValidClientId(string? id) =>
        !string.IsNullOrWhiteSpace(id) && id.Length <= MaxLength && !id.Any(char.IsControl);

    [GeneratedRegex(@"^[A-Za-z0-9._:-]{1,128}\z")]
    private static partial Regex KeyPattern();
}
