using Retail.Common;
using Retail.Registers.Fiscal;
using CatalogKind = Retail.Catalog.SkuKind;
using CatalogUnit = Retail.Catalog.MeasureUnit;
using CatalogVat = Retail.Catalog.VatRate;
using FiscalUnit = Retail.Registers.Fiscal.MeasureUnit;
using FiscalVat = Retail.Registers.Fiscal.VatRate;

namespace Retail.Registers;

/// <summary>From master data to fiscal codes, and from fiscal documents to the API's views.</summary>
public static class RegisterMapping
{
    public static FiscalVat ToFiscal(CatalogVat vat) => vat switch
    {
        CatalogVat.Vat22 => FiscalVat.Vat22,
        CatalogVat.Vat10 => FiscalVat.Vat10,
        CatalogVat.Vat0 => FiscalVat.Vat0,
        CatalogVat.Vat5 => FiscalVat.Vat5,
        CatalogVat.Vat7 => FiscalVat.Vat7,
        CatalogVat.None => FiscalVat.None,
        _ => throw new ArgumentOutOfRangeException(nameof(vat), vat, "A catalog VAT rate with no fiscal rate."),
    };

    /// <summary>Tag 2108 units.</summary>
    public static FiscalUnit ToFiscal(CatalogUnit unit) => unit switch
    {
        CatalogUnit.Kg => FiscalUnit.Kilogram,
        CatalogUnit.G => FiscalUnit.Gram,
        CatalogUnit.L => FiscalUnit.Liter,
        CatalogUnit.Ml => FiscalUnit.Milliliter,
        CatalogUnit.M => FiscalUnit.Meter,
        CatalogUnit.Pcs => FiscalUnit.Piece,
        _ => throw new ArgumentOutOfRangeException(nameof(unit), unit, "A catalog unit with no fiscal unit."),
    };

    /// <summary>Tag 1212 payment object (marked goods are refined by the receipt calculator).</summary>
    public static PaymentObject ToPaymentObject(CatalogKind kind) => kind switch
    {
        CatalogKind.Excise => PaymentObject.Excise,
        CatalogKind.Service => PaymentObject.Service,
        CatalogKind.Goods or CatalogKind.Dish => PaymentObject.Commodity,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "A SKU kind with no payment object."),
    };

    public static long Sign(FiscalDocumentHeader header) => header.FiscalSign;

    public static ReceiptDocument ToDocument(FiscalReceipt receipt, string receiptId, string registerId, string storeId) => new(
        receiptId, registerId, storeId, receipt.Operation.ToApiName(),
        receipt.Header.FiscalDocumentNumber, receipt.Header.ShiftNumber, receipt.ReceiptNumber, Sign(receipt.Header),
        receipt.Header.FnSerial, receipt.Header.RegistrationNumber, receipt.Header.DateTime, Money.WithKopecks(receipt.Total),
        receipt.Vat.Select(v => new VatLine(v.Rate.ToApiName(), Money.WithKopecks(v.Amount))).ToList(),
        receipt.Qr,
        receipt.Lines.Select(l => new ReceiptLineView(l.Sku, l.Name, l.Quantity, Money.WithKopecks(l.Price), Money.WithKopecks(l.Sum), l.Vat.ToApiName(), Money.WithKopecks(l.VatAmount), l.MarkingCode)).ToList(),
        Payments(receipt.Payments),
        Money.WithKopecks(receipt.Change),
        receipt.CustomerContact,
        (int)receipt.Header.Form);

    private static List<PaymentView> Payments(PaymentTotals totals)
    {
        var payments = new List<PaymentView>();
        void Add(PaymentType type, decimal amount)
        {
            if (amount != 0)
                payments.Add(new PaymentView(type.ToApiName(), Money.WithKopecks(amount)));
        }
        Add(PaymentType.Cash, totals.Cash);
        Add(PaymentType.Electronic, totals.Electronic);
        Add(PaymentType.Prepayment, totals.Prepayment);
        Add(PaymentType.Credit, totals.Credit);
        Add(PaymentType.Other, totals.Other);
        return payments;
    }

    /// <summary>Every FN of a device register, the current one last, with its missing FD numbers and short shifts.</summary>
    public static RegisterGaps ToGaps(DeviceRegisterState device, string registerId, string storeId) => new(
        registerId, storeId, RegisterModes.Device, device.MissingCount,
        device.Drives.Select(drive => new FiscalDriveGaps(
            drive.FnSerial, drive.FnSerial == device.Current.FnSerial, drive.FirstFiscalDocumentNumber, drive.HighestReceived, drive.MissingCount,
            Numbers(drive.Missing).Take(FiscalDriveGaps.MaxListed).ToList(),
            DeviceDrive.ShortShifts(drive).Select(shift => new ShortShift(
                shift.Number, shift.ReceiptCount!.Value, shift.ReceivedReceipts,
                Numbers(shift.ReceiptNumbers.MissingWithin(1, shift.ReceiptCount.Value)).Take(FiscalDriveGaps.MaxListed).ToList(),
                shift.Span!.From, shift.Span.To, shift.DocumentCount!.Value)).ToList(),
            drive.ReplacedAt)).ToList());

    private static IEnumerable<long> Numbers(IEnumerable<NumberRange> ranges)
    {
        foreach (var range in ranges)
            for (var n = range.From; n <= range.To; n++)
                yield return n;
    }

    public static OfdView ToView(OfdBacklog backlog, bool reachable) =>
        new(backlog.UnconfirmedCount, backlog.FirstUnconfirmedAt, backlog.FirstUnconfirmedNumber, backlog.Blocked, reachable);
}
