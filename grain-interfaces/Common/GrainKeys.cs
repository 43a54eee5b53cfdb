namespace Retail.Common;

/// <summary>
/// Grain keys always carry a kind prefix: a key that looks hexadecimal ("12345") would be stored
/// by the ADO.NET grain storage as an integer key and collide with "012345".
/// </summary>
public static class GrainKeys
{
    public static string Store(string storeId) => $"store/{storeId}";
    public static string Sku(string sku) => $"sku/{sku}";
    public static string Stock(string storeId, string sku) => $"{storeId}/{sku}";
    public static string Register(string registerId) => $"register/{registerId}";
    public static string PurchaseOrder(string purchaseOrderId) => $"po/{purchaseOrderId}";
    public static string Promotion(string promotionId) => $"promo/{promotionId}";
    public static string Transfer(string transferId) => $"transfer/{transferId}";
    public static string Count(string storeId, string countId) => $"count/{storeId}/{countId}";
    public static string Order(string orderId) => $"order/{orderId}";
    public static string Webhook(string webhookId) => $"webhook/{webhookId}";
    public static string CloudReceipt(string uuid) => $"cloud-receipt/{uuid}";

    /// <summary>Another name of a SKU: <paramref name="kind"/> is <c>barcode</c> or <c>name</c>.</summary>
    public static string SkuAlias(string kind, string value) => $"sku-alias/{kind}:{value}";

    /// <summary>The chain's one list of stores and its chain-wide analytics (a word, not hexadecimal, so it needs no prefix).</summary>
    public const string Chain = "chain";

    /// <summary>The one directory of the chain's API keys.</summary>
    public const string ApiKeyDirectory = "access/api-keys";

    public static (string StoreId, string Sku) ParseStock(string key)
    {
        var slash = key.IndexOf('/');
        return (key[..slash], key[(slash + 1)..]);
    }

    /// <summary>The part after the kind prefix ("store/42" -> "42").</summary>
    public static string Id(string key) => key[(key.IndexOf('/') + 1)..];
}
