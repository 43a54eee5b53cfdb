using Retail.Common;
using Retail.Registers;

namespace Retail.Documents;

/// <summary>A line of an online order: a SKU, how many, and the price of one (rubles, VAT included).</summary>
[GenerateSerializer, Immutable, Alias("OrderLine")]
public sealed record OrderLine(
    [property: Id(0)] string Sku,
    [property: Id(1)] decimal Quantity,
    [property: Id(2)] decimal Price);

/// <summary>An online order as the shop places it.</summary>
[GenerateSerializer, Immutable, Alias("OrderRequest")]
public sealed record OrderRequest(
    [property: Id(0)] string StoreId,
    [property: Id(1)] IReadOnlyList<OrderLine> Lines,
    [property: Id(2)] CustomerInput Customer,
    [property: Id(3)] string? CrmDealId,
    [property: Id(4)] int ReserveMinutes);

/// <summary>The fiscal receipt of an order's payment or refund, as the buyer's e-receipt shows it.</summary>
[GenerateSerializer, Immutable, Alias("OrderReceipt")]
public sealed record OrderReceipt(
    [property: Id(0)] string RegisterId,
    [property: Id(1)] string ReceiptId,
    [property: Id(2)] long FiscalDocumentNumber,
    [property: Id(3)] long FiscalSign,
    [property: Id(4)] string FnSerial,
    [property: Id(5)] DateTimeOffset DateTime,
    [property: Id(6)] decimal Total,
    [property: Id(7)] string Qr)
{
    public static OrderReceipt Of(ReceiptDocument receipt) => new(receipt.RegisterId, receipt.Id, receipt.FiscalDocumentNumber, receipt.FiscalSign,
        receipt.FnSerial, receipt.DateTime, receipt.Total, receipt.Qr);
}

[GenerateSerializer, Immutable, Alias("OrderRefundView")]
public sealed record OrderRefundView(
    [property: Id(0)] string Id,
    [property: Id(1)] IReadOnlyList<DocumentLine> Lines,
    [property: Id(2)] OrderReceipt Receipt);

[GenerateSerializer, Immutable, Alias("OrderView")]
public sealed record OrderView(
    [property: Id(0)] string Id,
    [property: Id(1)] string StoreId,
    [property: Id(2)] string Status,
    [property: Id(3)] IReadOnlyList<OrderLine> Lines,
    [property: Id(4)] decimal Total,
    [property: Id(5)] CustomerInput Customer,
    [property: Id(6)] string? CrmDealId,
    [property: Id(7)] DateTimeOffset CreatedAt,
    [property: Id(8)] DateTimeOffset ExpiresAt,
    [property: Id(9)] OrderReceipt? Receipt,
    [property: Id(10)] IReadOnlyList<OrderRefundView> Refunds,
    [property: Id(11)] DateTimeOffset? ClosedAt);

public static class OrderStatus
{
    /// <summary>Every line reserved, waiting for payment until it expires.</summary>
    public const string Reserved = "reserved";
    public const string Paid = "paid";
    /// <summary>Paid, and every line refunded since.</summary>
    public const string Refunded = "refunded";
    public const string Canceled = "canceled";
    public const string Expired = "expired";
}

/// <summary>
/// One online order (INVENTORY.md, rules 2 and 8): reserved at once or not at all, paid by an electronic
/// receipt on the store's online register, cancelled, or expired by a reminder. Key: <c>order/{id}</c>.
/// </summary>
[Alias("IOrderGrain")]
public interface IOrderGrain : IGrainWithStringKey
{
    /// <summary>Reserves every line or none (<c>insufficient_stock</c>). The same body again is answered as the first time.</summary>
    [Alias("Create")]
    Task<Outcome<OrderView>> CreateAsync(OrderRequest request);

    /// <summary>Fiscalizes the order in full and turns its reservation into a sale in the same step; a retry is answered with the same receipt.</summary>
    [Alias("Pay")]
    Task<Outcome<OrderView>> PayAsync(IReadOnlyList<PaymentInput> payments);

    [Alias("Cancel")]
    Task<Outcome<OrderView>> CancelAsync();

    /// <summary>A sell-refund receipt for some lines (null: all that is left) and their restock; <paramref name="refundId"/> makes a retry apply once.</summary>
    [Alias("Refund")]
    Task<Outcome<OrderView>> RefundAsync(string refundId, IReadOnlyList<DocumentLine>? lines);

    [Alias("Get")]
    Task<OrderView?> GetAsync();
}
