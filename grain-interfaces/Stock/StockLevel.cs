namespace Retail.Stock;

/// <summary>The quantities of one SKU in one store (INVENTORY.md, "Quantities").</summary>
[GenerateSerializer, Immutable, Alias("StockLevel")]
public sealed record StockLevel(
    [property: Id(0)] string StoreId,
    [property: Id(1)] string Sku,
    [property: Id(2)] decimal OnHand,
    [property: Id(3)] decimal Reserved,
    [property: Id(4)] decimal Incoming,
    [property: Id(5)] long Version)
{
    /// <summary>What may still be promised; negative after register sales beyond stock.</summary>
    public decimal Available => OnHand - Reserved;

    public static StockLevel Empty(string storeId, string sku) => new(storeId, sku, 0, 0, 0, 0);
}

