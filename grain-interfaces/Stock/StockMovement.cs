namespace Retail.Stock;

/// <summary>Every kind of change to a store's stock of one SKU (INVENTORY.md, "Movements").</summary>
[GenerateSerializer, Alias("MovementType")]
public enum MovementType
{
    Sale = 0,
    SaleRefund = 1,
    GoodsReceipt = 2,
    TransferOut = 3,
    TransferIn = 4,
    WriteOff = 5,
    CountAdjustment = 6,
    Reserve = 7,
    Release = 8,
    Consumption = 9,
    /// <summary>A signed manual fix of onHand.</summary>
    Correction = 10,
    /// <summary>Goods announced to this store (a purchase order placed, a transfer shipped here); negative to withdraw.</summary>
    Incoming = 11,
}

/// <summary>The document a movement belongs to: a receipt (with its FD number), a transfer, an order...</summary>
[GenerateSerializer, Immutable, Alias("DocumentRef")]
public sealed record DocumentRef(
    [property: Id(0)] string Kind,
    [property: Id(1)] string Id,
    [property: Id(2)] long? FiscalDocumentNumber = null);

/// <summary>
/// A command to change one pair's stock. <see cref="Id"/> is the client's idempotency key.
/// For <see cref="MovementType.CountAdjustment"/>, <see cref="Quantity"/> is the counted figure and
/// <see cref="ExpectedOnHand"/> the figure the counter saw, if any (compare-and-set).
/// For <see cref="MovementType.Correction"/> and <see cref="MovementType.Incoming"/> the quantity is signed.
/// </summary>
[GenerateSerializer, Immutable, Alias("StockMovement")]
public sealed record StockMovement(
    [property: Id(0)] string Id,
    [property: Id(1)] MovementType Type,
    [property: Id(2)] decimal Quantity,
    [property: Id(3)] string? Reason = null,
    [property: Id(4)] DocumentRef? Document = null,
    [property: Id(5)] DateTimeOffset? OccurredAt = null,
    [property: Id(6)] decimal? ExpectedOnHand = null);

/// <summary>One row of the ledger: an applied movement with its effect and the balances after it.</summary>
[GenerateSerializer, Immutable, Alias("StockMovementRecord")]
public sealed record StockMovementRecord(
    [property: Id(0)] string StoreId,
    [property: Id(1)] string Sku,
    [property: Id(2)] long Version,
    [property: Id(3)] string MovementId,
    [property: Id(4)] MovementType Type,
    [property: Id(5)] decimal Quantity,
    [property: Id(6)] decimal OnHandDelta,
    [property: Id(7)] decimal ReservedDelta,
    [property: Id(8)] decimal IncomingDelta,
    [property: Id(9)] decimal OnHandAfter,
    [property: Id(10)] decimal ReservedAfter,
    [property: Id(11)] decimal IncomingAfter,
    [property: Id(12)] DateTimeOffset OccurredAt,
    [property: Id(13)] DateTimeOffset RecordedAt,
    [property: Id(14)] string? Reason,
    [property: Id(15)] DocumentRef? Document,
    [property: Id(16)] string Fingerprint)
{
    public StockLevel LevelAfter => new(StoreId, Sku, OnHandAfter, ReservedAfter, IncomingAfter, Version);
}
