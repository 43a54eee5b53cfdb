using System.Text.Json.Serialization;

namespace Retail.Registers.Fiscal;

// The domain's codes, defined once for the catalog, the fiscal core and the API. The numeric value
// of each member is the value of its FFD tag, so a document can be written out in FFD terms without
// a mapping table; the name in [JsonStringEnumMemberName] is the member's name in the HTTP API and
// in ATOL Online requests (see ApiNames).

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
    [JsonStringEnumMemberName("sell")] Sell = 1,
    [JsonStringEnumMemberName("sellRefund")] SellRefund = 2,
    [JsonStringEnumMemberName("buy")] Buy = 3,
    [JsonStringEnumMemberName("buyRefund")] BuyRefund = 4,
}

/// <summary>Taxation systems, tag 1055 (a bitmask: a register may be registered for several).</summary>
[Flags]
[GenerateSerializer, Alias("FiscalTaxationSystem")]
public enum TaxationSystem
{
    [JsonStringEnumMemberName("osn")] Osn = 1,
    [JsonStringEnumMemberName("usn_income")] UsnIncome = 2,
    [JsonStringEnumMemberName("usn_income_outcome")] UsnIncomeOutcome = 4,
    [JsonStringEnumMemberName("esn")] Esn = 16,
    [JsonStringEnumMemberName("patent")] Patent = 32,
}

/// <summary>Payment kinds; the values are ATOL Online's payment <c>type</c>, the tags are in the comments.</summary>
[GenerateSerializer, Alias("FiscalPaymentType")]
public enum PaymentType
{
    /// <summary>Tag 1031.</summary>
    [JsonStringEnumMemberName("cash")] Cash = 0,
    /// <summary>Tag 1081.</summary>
    [JsonStringEnumMemberName("electronic")] Electronic = 1,
    /// <summary>Tag 1215 (an advance offset against this receipt).</summary>
    [JsonStringEnumMemberName("prepayment")] Prepayment = 2,
    /// <summary>Tag 1216.</summary>
    [JsonStringEnumMemberName("credit")] Credit = 3,
    /// <summary>Tag 1217 (counter-provision).</summary>
    [JsonStringEnumMemberName("other")] Other = 4,
}

/// <summary>Unit of measure, tag 2108 (FFD 1.2).</summary>
[GenerateSerializer, Alias("FiscalMeasureUnit")]
public enum MeasureUnit
{
    [JsonStringEnumMemberName("pcs")] Piece = 0,
    [JsonStringEnumMemberName("g")] Gram = 10,
    [JsonStringEnumMemberName("kg")] Kilogram = 11,
    [JsonStringEnumMemberName("t")] Tonne = 12,
    [JsonStringEnumMemberName("m")] Meter = 22,
    [JsonStringEnumMemberName("m2")] SquareMeter = 32,
    [JsonStringEnumMemberName("ml")] Milliliter = 40,
    [JsonStringEnumMemberName("l")] Liter = 41,
    [JsonStringEnumMemberName("m3")] CubicMeter = 42,
    [JsonStringEnumMemberName("other")] Other = 255,
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

/// <summary>
/// VAT rate, tag 1199; the member value is the tag value. The "calculated" rates (20/120, 22/122,
/// ...) are used when the base is not known yet (advances, prepayments); their arithmetic is the same.
/// </summary>
[GenerateSerializer, Alias("FiscalVatRate")]
public enum VatRate
{
    [JsonStringEnumMemberName("vat20")] Vat20 = 1,
    [JsonStringEnumMemberName("vat10")] Vat10 = 2,
    [JsonStringEnumMemberName("vat120")] Vat120 = 3,
    [JsonStringEnumMemberName("vat110")] Vat110 = 4,
    [JsonStringEnumMemberName("vat0")] Vat0 = 5,
    [JsonStringEnumMemberName("none")] None = 6,
    [JsonStringEnumMemberName("vat5")] Vat5 = 7,
    [JsonStringEnumMemberName("vat7")] Vat7 = 8,
    [JsonStringEnumMemberName("vat105")] Vat105 = 9,
    [JsonStringEnumMemberName("vat107")] Vat107 = 10,
    [JsonStringEnumMemberName("vat22")] Vat22 = 11,
    [JsonStringEnumMemberName("vat122")] Vat122 = 12,
}
