using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Retail.Catalog;
using Retail.Common;
using Retail.Registers;
using Retail.Registers.Fiscal;

namespace Retail.Integrations;

/// <summary>
/// The rules of a web shop's receipt: its uuid, its fingerprint, the names its items are matched to a SKU by,
/// and the receipt the register fiscalizes from it.
/// </summary>
public static class CloudReceipts
{
    /// <summary>
    /// The uuid of a register's receipt with this external id: the same pair always gives the same uuid, so a repeat
    /// reaches the first request, and no table is needed to find it again.
    /// </summary>
    public static string Uuid(string registerId, string externalId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{registerId.Length}:{registerId}\n{externalId}"));
        var bytes = hash.AsSpan(0, 16).ToArray();
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80); // version 8: a name-based uuid of our own hashing
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 9562 variant
        return new Guid(bytes, bigEndian: true).ToString("D");
    }

    public static string Fingerprint(CloudReceiptRequest request) =>
        Convert.ToHexString(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(request with { CallbackUrl = null, ApiVersion = "" }, RegisterGrain.Json)));

    /// <summary>The register's own receipt id for this uuid (its idempotency key there).</summary>
    public static string ReceiptId(string uuid) => $"cloud-{uuid}";

    /// <summary>
    /// Where to look for an item's SKU, in order: a marked unit by the GTIN in its code; then a SKU whose code is
    /// the item's <c>user_data</c> or its name; then a barcode equal to either; then the exact catalog name.
    /// </summary>
    public static IReadOnlyList<SkuLookup> Lookups(CloudReceiptItem item)
    {
        var lookups = new List<SkuLookup>();
        if (Gtin(item.MarkingCode) is { } gtin)
        {
            lookups.Add(new SkuLookup(SkuAliases.Barcode, gtin));
            if (gtin.StartsWith('0'))
                lookups.Add(new SkuLookup(SkuAliases.Barcode, gtin[1..]));
        }
        string?[] named = [item.UserData, item.Name];
        foreach (var value in named)
            if (Identifiers.IsValidKey(value))
                lookups.Add(new SkuLookup(SkuLookup.Code, value!));
        foreach (var value in named)
            if (!string.IsNullOrWhiteSpace(value) && value.Length <= 64)
                lookups.Add(new SkuLookup(SkuAliases.Barcode, value));
        lookups.Add(new SkuLookup(SkuAliases.Name, item.Name));
        return lookups.Distinct().ToList();
    }

    /// <summary>Whether the SKU found by a lookup still goes by that name (an alias may lag a redefinition).</summary>
    public static bool Answers(SkuLookup lookup, Sku sku) => lookup.Kind switch
    {
        SkuLookup.Code => sku.Code == lookup.Value,
        SkuAliases.Barcode => sku.Barcodes.Contains(lookup.Value, StringComparer.Ordinal),
        _ => sku.Name == lookup.Value,
    };

    /// <summary>The GTIN-14 of a GS1 marking code (application identifier 01 first), given in base64 or as is; or null.</summary>
    public static string? Gtin(string? markingCode)
    {
        if (markingCode is null)
            return null;
        var bytes = new byte[markingCode.Length];
        var decoded = Convert.TryFromBase64String(markingCode, bytes, out var length) ? Encoding.UTF8.GetString(bytes, 0, length) : null;
        return GtinOf(decoded) ?? GtinOf(markingCode);
    }

    private static string? GtinOf(string? text)
    {
        if (text is null)
            return null;
        var code = text.TrimStart('\u001d');
        if (code.StartsWith("]C1", StringComparison.Ordinal) || code.StartsWith("]d2", StringComparison.Ordinal))
            code = code[3..];
        return code.Length >= 16 && code.StartsWith("01", StringComparison.Ordinal) && code.AsSpan(2, 14).IndexOfAnyExceptInRange('0', '9') < 0
            ? code.Substring(2, 14)
            : null;
    }

    /// <summary>The receipt the register fiscalizes: each item's own terms, and the SKU it matched ("" for none).</summary>
    public static ReceiptInput ToReceipt(string uuid, CloudReceiptRequest request, IReadOnlyList<string> skus) => new(
        // The request's operation was checked when it was taken; a name that is none is refused by the register.
        ReceiptId(uuid), FiscalNames.TryParseOperation(request.Operation, out var operation) ? operation : default,
        request.Items.Select((item, i) => new ReceiptItemInput(skus[i], item.Quantity, item.Price, item.MarkingCode,
            new ReceiptLineTerms(item.Name, item.Vat, item.Unit, item.PaymentObject, item.PaymentMethod, item.Sum))).ToList(),
        request.Payments, request.Customer, request.Correction);
}

/// <summary>One place to look for an item's SKU: by <see cref="Code"/>, or by an alias kind of <see cref="SkuAliases"/>.</summary>
public sealed record SkuLookup(string Kind, string Value)
{
    public const string Code = "code";
}
