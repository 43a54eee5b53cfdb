using System.Globalization;
using Retail.Catalog;
using Retail.Common;
using Retail.Registers;
using Retail.Stock;

namespace Retail.Documents;

/// <summary>What an order remembers: journaled after every transition.</summary>
public sealed record OrderState(
    string StoreId,
    IReadOnlyList<OrderLine> Lines,
    CustomerInput Customer,
    string? CrmDealId,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    string Status,
    string Fingerprint,
    OrderReceipt? Receipt = null,
    IReadOnlyList<OrderRefundView>? Refunds = null,
    DateTimeOffset? ClosedAt = null);

/// <summary>
/// Online orders, pure: checks, what an order holds in stock (a dish holds its recipe's components, as
/// its sale writes them off), the reservation and its release, and what a refund may take back. The
/// release of an order has one set of movement ids whoever writes it (the payment's receipt, a cancel,
/// the expiry), so however those race, a reservation is released once.
/// </summary>
public static class Orders
{
    public const int DefaultReserveMinutes = 30;

    /// <summary>A week: a reservation is a promise to a buyer, not storage.</summary>
    public const int MaxReserveMinutes = 7 * 24 * 60;

    public static DomainError? Check(OrderRequest request)
    {
        if (DocumentLines.Check(request.Lines.Select(l => new DocumentLine(l.Sku, l.Quantity)).ToList(), "lines") is { } invalid)
            return invalid;
        for (var i = 0; i < request.Lines.Count; i++)
            if (request.Lines[i].Price is < 0 or > 1_000_000_000m || !Money.HasAtMostKopecks(request.Lines[i].Price))
                return new DomainError(ErrorCodes.ValidationFailed, "A price is rubles with at most 2 decimals, not negative.", $"lines[{i}].price");
        var (email, phone) = (request.Customer.Email, request.Customer.Phone);
        if (email is null && phone is null)
            return new DomainError(ErrorCodes.ValidationFailed, "The buyer's e-mail or phone is required: the e-receipt goes there (tag 1008).", "customer");
        // The contact goes on the order's receipt (tag 1008): what the drive would refuse there is refused here, before anything is reserved.
        if (email is not null && (email.Length < 3 || email.Length > Registers.Fiscal.FiscalDrive.MaxCustomerContactLength || !email.Contains('@') || email.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))))
            return new DomainError(ErrorCodes.ValidationFailed, $"An e-mail is name@domain, at most {Registers.Fiscal.FiscalDrive.MaxCustomerContactLength} characters (tag 1008).", "customer.email");
        if (phone is not null && !(phone.Length is >= 5 and <= 20 && phone.TrimStart('+').All(char.IsAsciiDigit)))
            return new DomainError(ErrorCodes.ValidationFailed, "A phone is 5 to 20 digits, optionally after '+'.", "customer.phone");
        if (request.CrmDealId is not null && !Identifiers.IsValidClientId(request.CrmDealId))
            return new DomainError(ErrorCodes.ValidationFailed, "A CRM deal id is 1 to 128 printable characters.", "crmDealId");
        if (request.ReserveMinutes is < 1 or > MaxReserveMinutes)
            return new DomainError(ErrorCodes.ValidationFailed, $"A reservation lasts 1 to {MaxReserveMinutes} minutes.", "reserveMinutes");
        return null;
    }

    public static string Fingerprint(OrderRequest request) => string.Join('|',
        request.StoreId,
        string.Join(';', request.Lines.Select(l => $"{l.Sku},{N(l.Quantity)},{N(l.Price)}")),
        request.Customer.Email, request.Customer.Phone, request.CrmDealId, request.ReserveMinutes.ToString(CultureInfo.InvariantCulture));

    public static decimal Total(IEnumerable<OrderLine> lines) => lines.Sum(l => Money.RoundToKopecks(l.Quantity * l.Price));

    /// <summary>What the lines hold in stock, per SKU: goods themselves, a dish or service its components.</summary>
    public static IReadOnlyList<DocumentLine> Held(IEnumerable<(string Sku, decimal Quantity)> lines, IReadOnlyDictionary<string, Sku> skus) =>
        lines.SelectMany(l => Recipes.WriteOffPerUnit(skus[l.Sku])
                .Select(c => (c.Sku, Quantity: Math.Round(l.Quantity * c.Quantity, Quantity.MaxDecimals, MidpointRounding.AwayFromZero))))
            .Where(c => c.Quantity > 0)
            .GroupBy(c => c.Sku, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new DocumentLine(g.Key, g.Sum(c => c.Quantity))).ToList();

    public static IReadOnlyList<PlannedMovement> Reservation(string orderId, string storeId, IReadOnlyList<DocumentLine> held, DateTimeOffset now) =>
        held.Select(h => new PlannedMovement(storeId, h.Sku, new StockMovement(
            Identifiers.Derived($"order:{orderId}:reserve:{h.Sku}"), MovementType.Reserve, h.Quantity, Document: Document(orderId), OccurredAt: now))).ToList();

    /// <summary>The release of the whole reservation: the same movements whether a payment, a cancel or the expiry writes them.</summary>
    public static IReadOnlyList<PlannedMovement> Release(string orderId, string storeId, IReadOnlyList<DocumentLine> held, DateTimeOffset now) =>
        held.Select(h => new PlannedMovement(storeId, h.Sku, new StockMovement(
            Identifiers.Derived($"order:{orderId}:release:{h.Sku}"), MovementType.Release, h.Quantity, Document: Document(orderId), OccurredAt: now))).ToList();

    public static DocumentRef Document(string orderId) => new("order", orderId);

    /// <summary>The id of the receipt that pays an order, and of one that refunds it.</summary>
    public static string PaymentReceiptId(string orderId) => Identifiers.Derived($"order:{orderId}");

    public static string RefundReceiptId(string orderId, string refundId) => Identifiers.Derived($"order:{orderId}:refund:{refundId}");

    /// <summary>What a refund takes back, at the order's prices (null lines: all that is left), or why it cannot.</summary>
    public static (IReadOnlyList<OrderLine>? Lines, DomainError? Error) Refundable(string orderId, OrderState state, IReadOnlyList<DocumentLine>? lines)
    {
        if (state.Status is not OrderStatus.Paid)
            return (null, new DomainError(ErrorCodes.InvalidState, $"Order {orderId} is {state.Status}; only a paid order is refunded.", "status"));
        var left = state.Lines.ToDictionary(l => l.Sku, l => l.Quantity, StringComparer.Ordinal);
        foreach (var refund in state.Refunds ?? [])
            foreach (var line in refund.Lines)
                left[line.Sku] -= line.Quantity;
        if (lines is null)
            return (state.Lines.Where(l => left[l.Sku] > 0).Select(l => l with { Quantity = left[l.Sku] }).ToList(), null);
        if (DocumentLines.Check(lines, "lines") is { } invalid)
            return (null, invalid);
        var refunded = new List<OrderLine>();
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            if (!left.TryGetValue(line.Sku, out var remaining))
                return (null, new DomainError(ErrorCodes.ValidationFailed, $"SKU {line.Sku} is not on order {orderId}.", $"lines[{i}].sku"));
            if (line.Quantity > remaining)
                return (null, new DomainError(ErrorCodes.ValidationFailed, $"Only {remaining} of SKU {line.Sku} is left to refund.", $"lines[{i}].quantity"));
            refunded.Add(state.Lines.First(l => l.Sku == line.Sku) with { Quantity = line.Quantity });
        }
        return (refunded, null);
    }

    /// <summary>The order after a refund: refunded once nothing is left to take back.</summary>
    public static OrderState Refunded(OrderState state, OrderRefundView refund, DateTimeOffset now)
    {
        var refunds = (state.Refunds ?? []).Append(refund).ToList();
        var all = state.Lines.All(l => refunds.SelectMany(r => r.Lines).Where(r => r.Sku == l.Sku).Sum(r => r.Quantity) >= l.Quantity);
        return state with { Refunds = refunds, Status = all ? OrderStatus.Refunded : OrderStatus.Paid, ClosedAt = all ? now : state.ClosedAt };
    }

    public static OrderView View(string orderId, OrderState state) =>
        new(orderId, state.StoreId, state.Status, state.Lines, state.Receipt?.Total ?? Total(state.Lines), state.Customer, state.CrmDealId,
            state.CreatedAt, state.ExpiresAt, state.Receipt, state.Refunds ?? [], state.ClosedAt);

    private static string N(decimal value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
