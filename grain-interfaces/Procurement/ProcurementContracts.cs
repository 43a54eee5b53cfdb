using Retail.Common;

namespace Retail.Procurement;

/// <summary>What to order of one SKU for one store (API.md, "suggestions").</summary>
[GenerateSerializer, Immutable, Alias("Suggestion")]
public sealed record Suggestion(
    [property: Id(0)] string Sku,
    [property: Id(1)] decimal Available,
    [property: Id(2)] decimal Incoming,
    [property: Id(3)] decimal DailyDemand,
    [property: Id(4)] decimal SafetyStock,
    [property: Id(5)] decimal ReorderPoint,
    [property: Id(6)] decimal SuggestedQuantity,
    [property: Id(7)] decimal? DaysOfCover,
    [property: Id(8)] DateOnly? StockoutDate);

[GenerateSerializer, Immutable, Alias("PurchaseOrderLine")]
public sealed record PurchaseOrderLine(
    [property: Id(0)] string Sku,
    [property: Id(1)] decimal Quantity);

[GenerateSerializer, Immutable, Alias("PurchaseOrderLineView")]
public sealed record PurchaseOrderLineView(
    [property: Id(0)] string Sku,
    [property: Id(1)] decimal Ordered,
    [property: Id(2)] decimal Received);

[GenerateSerializer, Immutable, Alias("PurchaseOrderView")]
public sealed record PurchaseOrderView(
    [property: Id(0)] string Id,
    [property: Id(1)] string StoreId,
    [property: Id(2)] string Supplier,
    [property: Id(3)] string Status,
    [property: Id(4)] IReadOnlyList<PurchaseOrderLineView> Lines,
    [property: Id(5)] int Receipts,
    [property: Id(6)] DateTimeOffset CreatedAt);

/// <summary>Demand forecasts, reorder points and suggestions of one store. Key: <c>store/{storeId}</c>.</summary>
[Alias("IProcurementGrain")]
public interface IProcurementGrain : IGrainWithStringKey
{
    /// <summary>Today's suggestions, computed from sales and stock; changes nothing (the reorder points included).</summary>
    [Alias("Suggestions"), ReadOnly]
    Task<IReadOnlyList<Suggestion>> SuggestionsAsync();

    /// <summary>Makes sure the store's reorder points are refreshed hourly, read or not. Repeating it changes nothing.</summary>
    [Alias("ScheduleRefresh")]
    Task ScheduleRefreshAsync();

    /// <summary>Turns today's suggestions into a draft purchase order, refreshing the reorder points on the way.</summary>
    [Alias("Draft")]
    Task<Outcome<PurchaseOrderView>> DraftPurchaseOrderAsync(string purchaseOrderId, string supplier);
}

/// <summary>One purchase order: draft, ordered (incoming), partially received, received. Key: <c>po/{id}</c>.</summary>
[Alias("IPurchaseOrderGrain")]
public interface IPurchaseOrderGrain : IGrainWithStringKey
{
    /// <summary>Creates the order; <paramref name="draft"/> keeps it out of incoming until placed. Idempotent for the same body.</summary>
    [Alias("Create")]
    Task<Outcome<PurchaseOrderView>> CreateAsync(string storeId, string supplier, IReadOnlyList<PurchaseOrderLine> lines, bool draft);

    [Alias("Place")]
    Task<Outcome<PurchaseOrderView>> PlaceAsync();

    /// <summary>Posts a delivery: goods receipts per line; <paramref name="receiptId"/> makes a retried delivery apply once.</summary>
    [Alias("Receive")]
    Task<Outcome<PurchaseOrderView>> ReceiveAsync(string receiptId, IReadOnlyList<PurchaseOrderLine> lines);

    [Alias("Get")]
    Task<PurchaseOrderView?> GetAsync();
}
