using System.Collections.Immutable;
using Retail.Common;

namespace Retail.Registers.Fiscal;

/// <summary>
/// One item as the till sends it. Prices include VAT. A marked item (Честный ЗНАК) is one unit
/// carrying its own code (tag 2000 / 1163; the base64 GS1 string of ATOL's <c>mark_code.gs1m</c>).
/// A web shop's line may state its own <see cref="Sum"/> (tag 1043 after its discount, at most price ×
/// quantity) and <see cref="Method"/>; a line no SKU matched has an empty <see cref="Sku"/> and its own name.
/// </summary>
[GenerateSerializer, Immutable, Alias("FiscalReceiptItem")]
public sealed record ReceiptItem(
    [property: Id(0)] string Sku,
    [property: Id(1)] string? Name,
    [property: Id(2)] decimal Quantity,
    [property: Id(3)] decimal Price,
    [property: Id(4)] VatRate Vat,
    [property: Id(5)] bool Marked = false,
    [property: Id(6)] string? MarkingCode = null,
    [property: Id(7)] MeasureUnit Unit = MeasureUnit.Piece,
    [property: Id(8)] PaymentObject PaymentObject = PaymentObject.Commodity,
    [property: Id(9)] decimal? Sum = null,
    [property: Id(10)] PaymentMethod Method = PaymentMethod.FullPayment);

[GenerateSerializer, Immutable, Alias("FiscalReceiptPayment")]
public sealed record ReceiptPayment(
    [property: Id(0)] PaymentType Type,
    [property: Id(1)] decimal Amount);

/// <summary>An item as fiscalized: item sum (tag 1043) and its VAT (tag 1200) computed.</summary>
[GenerateSerializer, Immutable, Alias("FiscalReceiptLine")]
public sealed record ReceiptLine(
    [property: Id(0)] string Sku,
    [property: Id(1)] string Name,
    [property: Id(2)] decimal Quantity,
    [property: Id(3)] decimal Price,
    [property: Id(4)] MeasureUnit Unit,
    [property: Id(5)] PaymentObject PaymentObject,
    [property: Id(6)] VatRate Vat,
    [property: Id(7)] decimal Sum,
    [property: Id(8)] decimal VatAmount,
    [property: Id(9)] string? MarkingCode,
    [property: Id(10)] PaymentMethod Method = PaymentMethod.FullPayment);

/// <summary>Payments by kind: cash 1031, electronic 1081, prepayment 1215, credit 1216, other 1217.</summary>
[GenerateSerializer, Immutable, Alias("FiscalPaymentTotals")]
public sealed record PaymentTotals(
    [property: Id(0)] decimal Cash,
    [property: Id(1)] decimal Electronic,
    [property: Id(2)] decimal Prepayment = 0m,
    [property: Id(3)] decimal Credit = 0m,
    [property: Id(4)] decimal Other = 0m)
{
    public static readonly PaymentTotals Zero = new(0m, 0m);

    public decimal NonCash => Electronic + Prepayment + Credit + Other;

    public decimal Total => Cash + NonCash;
}

/// <summary>The arithmetic of a receipt: lines, total (tag 1020), VAT per rate, payments and change.</summary>
[GenerateSerializer, Immutable, Alias("FiscalReceiptCalculation")]
public sealed record ReceiptCalculation(
    [property: Id(0)] ImmutableArray<ReceiptLine> Lines,
    [property: Id(1)] decimal Total,
    [property: Id(2)] ImmutableArray<VatAmount> Vat,
    [property: Id(3)] PaymentTotals Payments,
    [property: Id(4)] decimal Change);

/// <summary>Validates a receipt's items and payments and does its sums (FISCAL.md, "Sums").</summary>
public static class ReceiptCalculator
{
    /// <summary>Tags 1020, 1043, 1079 and the payment sums are 6-byte kopeck counts on the drive.</summary>
    public const decimal MaxAmount = 2_814_749_767_106.55m;

    /// <summary>No real line is this large; it also keeps price × quantity far from decimal overflow.</summary>
    public const decimal MaxQuantity = 1_000_000_000m;

    public const int MaxLines = 1000;

    /// <summary>Tag 1030 (item name) holds up to 128 characters.</summary>
    public const int MaxNameLength = 128;

    public const int MaxMarkingCodeLength = 512;

    /// <summary>
    /// Computes a receipt, or refuses it with <c>validation_failed</c> (and the field),
    /// <c>unsupported_vat_rate</c> or <c>payment_mismatch</c>. <paramref name="settlementDate"/>
    /// is the local date whose VAT rates apply. Only a sale may be overpaid, and only in cash (change).
    /// </summary>
    public static (ReceiptCalculation? Receipt, DomainError? Error) Calculate(
        FiscalOperation operation, IReadOnlyList<ReceiptItem>? items, IReadOnlyList<ReceiptPayment>? payments, DateOnly settlementDate)
    {
        if (operation is not (FiscalOperation.Sell or FiscalOperation.SellRefund))
            return (null, new DomainError(ErrorCodes.ValidationFailed, "A register sells and refunds sales: operation is sell or sellRefund.", "operation"));
        if (items is null || items.Count == 0)
            return (null, new DomainError(ErrorCodes.ValidationFailed, "A receipt has at least one item.", "items"));
        if (items.Count > MaxLines)
            return (null, new DomainError(ErrorCodes.ValidationFailed, $"A receipt has at most {MaxLines} items.", "items"));

        var lines = ImmutableArray.CreateBuilder<ReceiptLine>(items.Count);
        var codes = new HashSet<string>(StringComparer.Ordinal);
        var total = 0.00m;
        for (var i = 0; i < items.Count; i++)
        {
            var (line, error) = CalculateLine(items[i], $"items[{i}]", settlementDate);
            if (error is not null)
                return (null, error);
            if (line!.MarkingCode is { } code && !codes.Add(code))
                return (null, new DomainError(ErrorCodes.ValidationFailed, "Each marked unit has its own code; this one appears twice.", $"items[{i}].markingCode"));
            total += line.Sum;
            if (total > MaxAmount)
                return (null, new DomainError(ErrorCodes.ValidationFailed, $"A receipt total is at most {MaxAmount}.", "items"));
            lines.Add(line);
        }

        var (paid, paymentError) = SumPayments(payments ?? []);
        if (paymentError is not null)
            return (null, paymentError);

        // Only cash can be handed back: every other kind of payment must fit inside the total.
        if (paid!.NonCash > total)
            return (null, FiscalErrors.PaymentMismatch($"Non-cash payments of {paid.NonCash:0.00} exceed the total {total:0.00}; only cash may exceed it."));
        if (paid.Total < total)
            return (null, FiscalErrors.PaymentMismatch($"Payments of {paid.Total:0.00} do not cover the total {total:0.00}."));
        var change = paid.Total - total;
        if (change > 0 && operation != FiscalOperation.Sell)
            return (null, FiscalErrors.PaymentMismatch($"A refund pays back exactly the total {total:0.00}, not {paid.Total:0.00}."));

        var built = lines.MoveToImmutable();
        return (new ReceiptCalculation(built, total, VatRates.Breakdown(built.Select(l => (l.Vat, l.VatAmount))), paid, change), null);
    }

    private static (ReceiptLine? Line, DomainError? Error) CalculateLine(ReceiptItem item, string path, DateOnly settlementDate)
    {
        if (item is null)
            return (null, new DomainError(ErrorCodes.ValidationFailed, "An item is missing.", path));
        if (!Identifiers.IsValidKey(item.Sku) && !(item.Sku == "" && item.Name is not null))
            return (null, new DomainError(ErrorCodes.ValidationFailed, "A SKU is 1 to 128 letters, digits or ._:- characters.", $"{path}.sku"));
        if (item.Name is { } name && (string.IsNullOrWhiteSpace(name) || name.Length > MaxNameLength || name.Any(char.IsControl)))
            return (null, new DomainError(ErrorCodes.ValidationFailed, $"An item name is 1 to {MaxNameLength} printable characters.", $"{path}.name"));
        if (item.Quantity <= 0 || item.Quantity > MaxQuantity)
            return (null, new DomainError(ErrorCodes.ValidationFailed, $"A quantity is greater than 0 and at most {MaxQuantity}.", $"{path}.quantity"));
        if (!Quantity.HasAtMostThreeDecimals(item.Quantity))
            return (null, new DomainError(ErrorCodes.ValidationFailed, "A quantity has at most 3 decimals.", $"{path}.quantity"));
        if (item.Price < 0 || item.Price > MaxAmount)
            return (null, new DomainError(ErrorCodes.ValidationFailed, $"A price is between 0 and {MaxAmount}.", $"{path}.price"));
        if (!Money.HasAtMostKopecks(item.Price))
            return (null, new DomainError(ErrorCodes.ValidationFailed, "A price has at most 2 decimals (kopecks).", $"{path}.price"));
        if (VatRates.CheckValidOn(item.Vat, settlementDate, $"{path}.vat") is { } vatError)
            return (null, vatError);
        if (!Enum.IsDefined(item.Unit))
            return (null, new DomainError(ErrorCodes.ValidationFailed, "Unknown unit of measure (tag 2108).", $"{path}.unit"));
        if (!Enum.IsDefined(item.PaymentObject))
            return (null, new DomainError(ErrorCodes.ValidationFailed, "Unknown payment object (tag 1212).", $"{path}.paymentObject"));
        if (!Enum.IsDefined(item.Method))
            return (null, new DomainError(ErrorCodes.ValidationFailed, "Unknown payment method (tag 1214).", $"{path}.paymentMethod"));

        var (paymentObject, markError) = item.Marked ? CheckMarkedUnit(item, path) : CheckUnmarked(item, path);
        if (markError is not null)
            return (null, markError);

        // Tag 1043: price × quantity, rounded to kopecks once per line; a stated sum is that after the line's discount.
        var full = Money.WithKopecks(item.Price * item.Quantity);
        if (full > MaxAmount)
            return (null, new DomainError(ErrorCodes.ValidationFailed, $"An item sum is at most {MaxAmount}.", $"{path}.quantity"));
        if (item.Sum is { } stated && (stated < 0 || stated > full || !Money.HasAtMostKopecks(stated)))
            return (null, new DomainError(ErrorCodes.ValidationFailed, $"An item sum is in kopecks, from 0 to price × quantity ({full:0.00}).", $"{path}.sum"));
        var sum = item.Sum ?? full;
        return (new ReceiptLine(item.Sku, item.Name ?? item.Sku, item.Quantity, item.Price, item.Unit, paymentObject,
            item.Vat, sum, item.Vat.AmountOf(sum), item.Marked ? item.MarkingCode : null, item.Method), null);
    }

    /// <summary>A marked unit: its code, quantity 1, unit "piece" (2108 = 0), payment object 31 or 33 (1212).</summary>
    private static (PaymentObject, DomainError?) CheckMarkedUnit(ReceiptItem item, string path)
    {
        if (string.IsNullOrWhiteSpace(item.MarkingCode))
            return (default, new DomainError(ErrorCodes.ValidationFailed, "A marked item carries the marking code of the unit sold.", $"{path}.markingCode"));
        if (item.MarkingCode.Length > MaxMarkingCodeLength || item.MarkingCode.Any(char.IsControl))
            return (default, new DomainError(ErrorCodes.ValidationFailed, $"A marking code is at most {MaxMarkingCodeLength} printable characters (base64 GS1).", $"{path}.markingCode"));
        if (item.Quantity != 1m)
            return (default, new DomainError(ErrorCodes.ValidationFailed, "A marked item is one unit per line: quantity must be 1.", $"{path}.quantity"));
        if (item.Unit != MeasureUnit.Piece)
            return (default, new DomainError(ErrorCodes.ValidationFailed, "A marked item is counted in pieces.", $"{path}.unit"));
        return item.PaymentObject switch
        {
            PaymentObject.Commodity or PaymentObject.MarkedWithCode => (PaymentObject.MarkedWithCode, null),
            PaymentObject.Excise or PaymentObject.ExciseMarkedWithCode => (PaymentObject.ExciseMarkedWithCode, null),
            _ => (default, new DomainError(ErrorCodes.ValidationFailed, "A marked item is goods or excise goods.", $"{path}.paymentObject")),
        };
    }

    private static (PaymentObject, DomainError?) CheckUnmarked(ReceiptItem item, string path)
    {
        if (item.MarkingCode is not null)
            return (default, new DomainError(ErrorCodes.ValidationFailed, "This item is not marked goods, so it carries no marking code.", $"{path}.markingCode"));
        if (item.PaymentObject is PaymentObject.MarkedWithCode or PaymentObject.ExciseMarkedWithCode)
            return (default, new DomainError(ErrorCodes.ValidationFailed, "A payment object with a marking code needs a marked item.", $"{path}.paymentObject"));
        return (item.PaymentObject, null);
    }

    private static (PaymentTotals? Paid, DomainError? Error) SumPayments(IReadOnlyList<ReceiptPayment> payments)
    {
        decimal cash = 0, electronic = 0, prepayment = 0, credit = 0, other = 0;
        for (var i = 0; i < payments.Count; i++)
        {
            var p = payments[i];
            if (p is null)
                return (null, new DomainError(ErrorCodes.ValidationFailed, "A payment is missing.", $"payments[{i}]"));
            if (p.Amount < 0 || p.Amount > MaxAmount)
                return (null, new DomainError(ErrorCodes.ValidationFailed, $"A payment is between 0 and {MaxAmount}.", $"payments[{i}].amount"));
            if (!Money.HasAtMostKopecks(p.Amount))
                return (null, new DomainError(ErrorCodes.ValidationFailed, "A payment has at most 2 decimals (kopecks).", $"payments[{i}].amount"));
            switch (p.Type)
            {
                case PaymentType.Cash: cash += p.Amount; break;
                case PaymentType.Electronic: electronic += p.Amount; break;
                case PaymentType.Prepayment: prepayment += p.Amount; break;
                case PaymentType.Credit: credit += p.Amount; break;
                case PaymentType.Other: other += p.Amount; break;
                default: return (null, ReceiptRules.Payment(p.Type, i));
            }
        }
        return (new PaymentTotals(Money.WithKopecks(cash), Money.WithKopecks(electronic), Money.WithKopecks(prepayment),
            Money.WithKopecks(credit), Money.WithKopecks(other)), null);
    }
}
