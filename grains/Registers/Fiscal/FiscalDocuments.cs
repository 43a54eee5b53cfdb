using System.Collections.Immutable;

namespace Retail.Registers.Fiscal;

/// <summary>A document signed by the drive. Every one has a header; the rest depends on the form.</summary>
public interface IFiscalDocument
{
    FiscalDocumentHeader Header { get; }
}

/// <summary>
/// What every fiscal document carries: form, FN serial (1041), registration number (1037),
/// FD number (1040), shift number (1038; 0 before the first shift), local date and time (1012,
/// whole seconds, with the store's offset) and the fiscal sign (1077).
/// </summary>
[GenerateSerializer, Immutable, Alias("FiscalDocumentHeader")]
public sealed record FiscalDocumentHeader(
    [property: Id(0)] FiscalDocumentForm Form,
    [property: Id(1)] string FnSerial,
    [property: Id(2)] string RegistrationNumber,
    [property: Id(3)] long FiscalDocumentNumber,
    [property: Id(4)] int ShiftNumber,
    [property: Id(5)] DateTimeOffset DateTime,
    [property: Id(6)] uint FiscalSign);

/// <summary>The person at the till: name (tag 1021) and, optionally, INN (tag 1203).</summary>
[GenerateSerializer, Immutable, Alias("FiscalCashier")]
public sealed record Cashier(
    [property: Id(0)] string Name,
    [property: Id(1)] string? Inn = null);

/// <summary>What the drive owes the OFD: unconfirmed count (1097), date of the first (1098), its number (1116).</summary>
[GenerateSerializer, Immutable, Alias("FiscalOfdBacklog")]
public sealed record OfdBacklog(
    [property: Id(0)] int UnconfirmedCount,
    [property: Id(1)] DateTimeOffset? FirstUnconfirmedAt,
    [property: Id(2)] long? FirstUnconfirmedNumber,
    [property: Id(3)] bool Blocked);

/// <summary>Money turned over in a shift, by settlement sign; correction receipts are included.</summary>
[GenerateSerializer, Immutable, Alias("FiscalShiftTotals")]
public sealed record ShiftTotals(
    [property: Id(0)] decimal Sell,
    [property: Id(1)] decimal SellRefund,
    [property: Id(2)] int SellCount,
    [property: Id(3)] int SellRefundCount,
    [property: Id(4)] int CorrectionCount)
{
    public static readonly ShiftTotals Zero = new(0m, 0m, 0, 0, 0);
}

/// <summary>Form 1: the drive is registered; always FD 1. FFD version is tag 1209 (4 = FFD 1.2).</summary>
[GenerateSerializer, Immutable, Alias("FiscalRegistrationReport")]
public sealed record RegistrationReport(
    [property: Id(0)] FiscalDocumentHeader Header,
    [property: Id(1)] string RegisterId,
    [property: Id(2)] string UserInn,
    [property: Id(3)] TaxationSystem TaxationSystems,
    [property: Id(4)] int FfdVersion,
    [property: Id(5)] string TimeZoneId) : IFiscalDocument;

/// <summary>Form 2: a shift is opened.</summary>
[GenerateSerializer, Immutable, Alias("FiscalShiftOpenReport")]
public sealed record ShiftOpenReport(
    [property: Id(0)] FiscalDocumentHeader Header,
    [property: Id(1)] Cashier Cashier) : IFiscalDocument;

/// <summary>
/// Form 5, the Z-report: receipts in the shift (1118, correction receipts included), fiscal
/// documents in the shift (1111, from the opening report up to and including this one), the
/// shift's totals and the OFD backlog as it stood before this report.
/// </summary>
[GenerateSerializer, Immutable, Alias("FiscalShiftCloseReport")]
public sealed record ShiftCloseReport(
    [property: Id(0)] FiscalDocumentHeader Header,
    [property: Id(1)] Cashier? Cashier,
    [property: Id(2)] int ReceiptCount,
    [property: Id(3)] int DocumentCount,
    [property: Id(4)] ShiftTotals Totals,
    [property: Id(5)] OfdBacklog Ofd,
    [property: Id(6)] DateTimeOffset OpenedAt) : IFiscalDocument;

/// <summary>Form 21: the current state of settlements, with the OFD backlog as it stood before this report.</summary>
[GenerateSerializer, Immutable, Alias("FiscalStateReport")]
public sealed record StateReport(
    [property: Id(0)] FiscalDocumentHeader Header,
    [property: Id(1)] bool ShiftOpen,
    [property: Id(2)] bool ShiftExpired,
    [property: Id(3)] OfdBacklog Ofd) : IFiscalDocument;

/// <summary>
/// What a correction receipt corrects (tag 1174): type (1173), date of the settlement being
/// corrected (1178) and, for a correction ordered by the tax service, the order number (1179).
/// </summary>
[GenerateSerializer, Immutable, Alias("FiscalCorrectionBasis")]
public sealed record CorrectionBasis(
    [property: Id(0)] CorrectionType Type,
    [property: Id(1)] DateOnly SettlementDate,
    [property: Id(2)] string? OrderNumber = null);

/// <summary>
/// Form 3 (a cash receipt) or form 31 (a correction receipt, with <see cref="Correction"/>):
/// receipt number in shift (1042), settlement sign (1054), lines, total (1020), VAT per rate,
/// payments, change, the buyer's contact (1008) and the QR string the receipt prints.
/// </summary>
[GenerateSerializer, Immutable, Alias("FiscalReceipt")]
public sealed record FiscalReceipt(
    [property: Id(0)] FiscalDocumentHeader Header,
    [property: Id(1)] int ReceiptNumber,
    [property: Id(2)] FiscalOperation Operation,
    [property: Id(3)] TaxationSystem TaxationSystem,
    [property: Id(4)] ImmutableArray<ReceiptLine> Lines,
    [property: Id(5)] decimal Total,
    [property: Id(6)] ImmutableArray<VatAmount> Vat,
    [property: Id(7)] PaymentTotals Payments,
    [property: Id(8)] decimal Change,
    [property: Id(9)] string? CustomerContact,
    [property: Id(10)] CorrectionBasis? Correction,
    [property: Id(11)] string Qr) : IFiscalDocument;

/// <summary>A sale or refund as the till asks for it.</summary>
[GenerateSerializer, Immutable, Alias("FiscalReceiptRequest")]
public sealed record ReceiptRequest(
    [property: Id(0)] FiscalOperation Operation,
    [property: Id(1)] ImmutableArray<ReceiptItem> Items,
    [property: Id(2)] ImmutableArray<ReceiptPayment> Payments,
    [property: Id(3)] string? CustomerContact = null,
    [property: Id(4)] TaxationSystem? TaxationSystem = null);

/// <summary>A correction receipt: a settlement that was missed or fiscalized wrongly, fixed afterwards.</summary>
[GenerateSerializer, Immutable, Alias("FiscalCorrectionRequest")]
public sealed record CorrectionRequest(
    [property: Id(0)] FiscalOperation Operation,
    [property: Id(1)] CorrectionBasis Basis,
    [property: Id(2)] ImmutableArray<ReceiptItem> Items,
    [property: Id(3)] ImmutableArray<ReceiptPayment> Payments,
    [property: Id(4)] TaxationSystem? TaxationSystem = null);

/// <summary>What registering a drive needs: the register, the user's INN (1018), taxation systems (1055), the store's IANA time zone.</summary>
[GenerateSerializer, Immutable, Alias("FiscalRegistration")]
public sealed record FiscalRegistration(
    [property: Id(0)] string RegisterId,
    [property: Id(1)] string UserInn,
    [property: Id(2)] TaxationSystem TaxationSystems,
    [property: Id(3)] string TimeZoneId);

/// <summary>The result of an OFD acknowledgement: how many documents it removed from the outbox, and what remains.</summary>
[GenerateSerializer, Immutable, Alias("FiscalOfdConfirmation")]
public sealed record OfdConfirmation(
    [property: Id(0)] int Confirmed,
    [property: Id(1)] OfdBacklog Backlog);
