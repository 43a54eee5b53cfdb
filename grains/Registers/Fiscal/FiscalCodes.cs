namespace Retail.Registers.Fiscal;

// The enumerations a fiscal document carries. The numeric value of each member is the value of
// its FFD tag, so a document can be written out in FFD terms without a mapping table.

/// <summary>Fiscal document forms (the "form" column of FISCAL.md).</summary>
[GenerateSerializer, Alias("FiscalDocumentForm")]
public enum FiscalDocumentForm
{
    RegistrationReport = 1,
    ShiftOpenReport = 2,
    Receipt = 3,
    ShiftCloseReport = 5,
    DriveCloseReport = 6,
    StateReport = 21,
    CorrectionReceipt = 31,
}

/// <summary>Settlement sign, tag 1054. The emulated drive signs sales and refunds; buying only appears in QR codes read back.</summary>
[GenerateSerializer, Alias("FiscalOperation")]
public enum FiscalOperation
{
    Sell = 1,
    SellRefund = 2,
    Buy = 3,
    BuyRefund = 4,
}

/// <summary>Taxation systems, tag 1055 (a bitmask: a register may be registered for several).</summary>
[Flags]
[GenerateSerializer, Alias("FiscalTaxationSystem")]
public enum TaxationSystem
{
    Osn = 1,
    UsnIncome = 2,
    UsnIncomeOutcome = 4,
    Esn = 16,
    Patent = 32,
}

/// <summary>Payment kinds; the values are ATOL Online's payment <c>type</c>, the tags are in the comments.</summary>
[GenerateSerializer, Alias("FiscalPaymentType")]
public enum PaymentType
{
    /// <summary>Tag 1031.</summary>
    Cash = 0,
    /// <summary>Tag 1081.</summary>
    Electronic = 1,
    /// <summary>Tag 1215 (an advance offset against this receipt).</summary>
    Prepayment = 2,
    /// <summary>Tag 1216.</summary>
    Credit = 3,
    /// <summary>Tag 1217 (counter-provision).</summary>
    Other = 4,
}

/// <summary>Unit of measure, tag 2108 (FFD 1.2).</summary>
[GenerateSerializer, Alias("FiscalMeasureUnit")]
public enum MeasureUnit
{
    Piece = 0,
    Gram = 10,
    Kilogram = 11,
    Tonne = 12,
    Meter = 22,
    SquareMeter = 32,
    Milliliter = 40,
    Liter = 41,
    CubicMeter = 42,
    Other = 255,
}

/// <summary>Payment object, tag 1212 (the subset a retail till uses).</summary>
[GenerateSerializer, Alias("FiscalPaymentObject")]
public enum PaymentObject
{
    Commodity = 1,
    Excise = 2,
    Job = 3,
    Service = 4,
    Payment = 10,
    Other = 13,
    ExciseMarkedWithCode = 31,
    MarkedWithCode = 33,
}

/// <summary>Payment method, tag 1214: how far the settlement goes (a till sells in full, 4).</summary>
[GenerateSerializer, Alias("FiscalPaymentMethod")]
public enum PaymentMethod
{
    FullPrepayment = 1,
    Prepayment = 2,
    Advance = 3,
    FullPayment = 4,
    PartialPayment = 5,
    Credit = 6,
    CreditPayment = 7,
}

/// <summary>Correction type, tag 1173: on the seller's own initiative, or by order of the tax service.</summary>
[GenerateSerializer, Alias("FiscalCorrectionType")]
public enum CorrectionType
{
    SelfInitiated = 0,
    ByOrder = 1,
}

/// <summary>The names these codes have in the HTTP API and in ATOL Online requests.</summary>
public static class FiscalNames
{
    public static string ToApiName(this FiscalOperation operation) => operation switch
    {
        FiscalOperation.Sell => "sell",
        FiscalOperation.SellRefund => "sellRefund",
        FiscalOperation.Buy => "buy",
        FiscalOperation.BuyRefund => "buyRefund",
        _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, null),
    };

    /// <summary>Accepts the API spelling (<c>sellRefund</c>) and ATOL's (<c>sell_refund</c>).</summary>
    public static bool TryParseOperation(string? name, out FiscalOperation operation)
    {
        (var ok, operation) = name switch
        {
            "sell" => (true, FiscalOperation.Sell),
            "sellRefund" or "sell_refund" => (true, FiscalOperation.SellRefund),
            "buy" => (true, FiscalOperation.Buy),
            "buyRefund" or "buy_refund" => (true, FiscalOperation.BuyRefund),
            _ => (false, default),
        };
        return ok;
    }

    public static string ToApiName(this PaymentType type) => type switch
    {
        PaymentType.Cash => "cash",
        PaymentType.Electronic => "electronic",
        PaymentType.Prepayment => "prepayment",
        PaymentType.Credit => "credit",
        PaymentType.Other => "other",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    public static bool TryParsePaymentType(string? name, out PaymentType type)
    {
        (var ok, type) = name switch
        {
            "cash" => (true, PaymentType.Cash),
            "electronic" => (true, PaymentType.Electronic),
            "prepayment" => (true, PaymentType.Prepayment),
            "credit" => (true, PaymentType.Credit),
            "other" => (true, PaymentType.Other),
            _ => (false, default),
        };
        return ok;
    }
}
