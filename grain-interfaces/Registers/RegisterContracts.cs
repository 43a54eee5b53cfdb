using System.Text.Json.Serialization;
using Retail.Registers.Fiscal;

namespace Retail.Registers;

/// <summary>A register as the API shows it (API.md, "Registers").</summary>
[GenerateSerializer, Immutable, Alias("RegisterView")]
public sealed record RegisterView(
    [property: Id(0)] string RegisterId,
    [property: Id(1)] string StoreId,
    [property: Id(2)] string Mode,
    [property: Id(3)] string FnSerial,
    [property: Id(4)] string RegistrationNumber,
    [property: Id(5)] long LastFiscalDocumentNumber,
    [property: Id(6)] ShiftView Shift,
    [property: Id(7)] OfdView Ofd,
    [property: Id(8)] Fiscal.TaxationSystem TaxationSystem,
    [property: Id(9)] string Inn,
    [property: Id(10)] int FfdVersion);

[GenerateSerializer, Immutable, Alias("ShiftView")]
public sealed record ShiftView(
    [property: Id(0)] int Number,
    [property: Id(1)] bool IsOpen,
    [property: Id(2)] DateTimeOffset? OpenedAt,
    [property: Id(3)] int ReceiptCount,
    [property: Id(4)] bool Expired);

[GenerateSerializer, Immutable, Alias("OfdView")]
public sealed record OfdView(
    [property: Id(0)] int Unconfirmed,
    [property: Id(1)] DateTimeOffset? OldestUnconfirmedAt,
    [property: Id(2)] long? FirstUnconfirmedNumber,
    [property: Id(3)] bool Blocked,
    [property: Id(4)] bool Reachable);

[GenerateSerializer, Immutable, Alias("CashierInfo")]
public sealed record CashierInfo(
    [property: Id(0)] string Name,
    [property: Id(1)] string? Inn);

/// <summary>Form 2: the shift-open report.</summary>
[GenerateSerializer, Immutable, Alias("ShiftOpened")]
public sealed record ShiftOpened(
    [property: Id(0)] int ShiftNumber,
    [property: Id(1)] long FiscalDocumentNumber,
    [property: Id(2)] DateTimeOffset DateTime,
    [property: Id(3)] long FiscalSign,
    [property: Id(4)] CashierInfo Cashier);

[GenerateSerializer, Immutable, Alias("ShiftTotalsView")]
public sealed record ShiftTotalsView(
    [property: Id(0)] decimal Sell,
    [property: Id(1)] decimal SellRefund);

/// <summary>Form 5: the Z-report with the shift's counters (1118, 1111) and the OFD backlog (1097, 1098, 1116).</summary>
[GenerateSerializer, Immutable, Alias("ShiftClosed")]
public sealed record ShiftClosed(
    [property: Id(0)] int ShiftNumber,
    [property: Id(1)] long FiscalDocumentNumber,
    [property: Id(2)] DateTimeOffset DateTime,
    [property: Id(3)] long FiscalSign,
    [property: Id(4)] int ReceiptCount,
    [property: Id(5)] int DocumentCount,
    [property: Id(6)] ShiftTotalsView Totals,
    [property: Id(7)] int UnconfirmedDocuments,
    [property: Id(8)] DateTimeOffset? FirstUnconfirmedAt,
    [property: Id(9)] long? FirstUnconfirmedNumber,
    [property: Id(10)] DateTimeOffset OpenedAt);

/// <summary>Form 21: the current-state report.</summary>
[GenerateSerializer, Immutable, Alias("StateReported")]
public sealed record StateReported(
    [property: Id(0)] long FiscalDocumentNumber,
    [property: Id(1)] DateTimeOffset DateTime,
    [property: Id(2)] long FiscalSign,
    [property: Id(3)] int ShiftNumber,
    [property: Id(4)] bool ShiftOpen,
    [property: Id(5)] int UnconfirmedDocuments,
    [property: Id(6)] DateTimeOffset? FirstUnconfirmedAt,
    [property: Id(7)] long? FirstUnconfirmedNumber);

/// <summary>
/// One line of a receipt. A till names the SKU and the catalog makes the fiscal line; a web shop's line
/// brings its own <see cref="Terms"/>, and its <see cref="Sku"/> is the SKU it matched, or empty when none
/// did (the line is fiscalized all the same; no stock moves).
/// </summary>
[GenerateSerializer, Immutable, Alias("ReceiptItemInput")]
public sealed record ReceiptItemInput(
    [property: Id(0)] string Sku,
    [property: Id(1)] decimal Quantity,
    [property: Id(2)] decimal Price,
    [property: Id(3)] string? MarkingCode = null,
    [property: Id(4)] ReceiptLineTerms? Terms = null);

/// <summary>
/// A fiscal line as its seller states it: name (tag 1030), VAT rate by its API name, unit (2108),
/// payment object (1212), payment method (1214) and the line's sum after discount (1043).
/// </summary>
[GenerateSerializer, Immutable, Alias("ReceiptLineTerms")]
public sealed record ReceiptLineTerms(
    [property: Id(0)] string Name,
    [property: Id(1)] string Vat,
    [property: Id(2)] int Unit,
    [property: Id(3)] int PaymentObject,
    [property: Id(4)] int PaymentMethod,
    [property: Id(5)] decimal Sum);

[GenerateSerializer, Immutable, Alias("PaymentInput")]
public sealed record PaymentInput(
    // Its API name in JSON too (a cloud receipt's journaled request holds these), whatever the options.
    [property: Id(0), JsonConverter(typeof(JsonStringEnumConverter<PaymentType>))] PaymentType Type,
    [property: Id(1)] decimal Amount);

[GenerateSerializer, Immutable, Alias("CustomerInput")]
public sealed record CustomerInput(
    [property: Id(0)] string? Email,
    [property: Id(1)] string? Phone);

/// <summary>What a correction receipt (form 31) corrects: tag 1173 type (<c>self</c> or <c>instruction</c>), 1178 date, 1179 order number.</summary>
[GenerateSerializer, Immutable, Alias("CorrectionInput")]
public sealed record CorrectionInput(
    [property: Id(0)] string Type,
    [property: Id(1)] DateOnly SettlementDate,
    [property: Id(2)] string? OrderNumber = null);

/// <summary>The rules of a receipt's shape, with one message each, wherever a receipt is taken (the API, the register).</summary>
public static class ReceiptRules
{
    public const int MaxItems = 1000;
    public const int MaxPayments = 10;

    public static Common.DomainError? Limits(int? items, int? payments) =>
        items is not (> 0 and <= MaxItems) ? new(Common.ErrorCodes.ValidationFailed, $"A receipt has 1 to {MaxItems} items.", "items")
        : payments is not (> 0 and <= MaxPayments) ? new(Common.ErrorCodes.ValidationFailed, $"A receipt has 1 to {MaxPayments} payments.", "payments")
        : null;

    /// <summary>A till sells and refunds (null: a name that is not an operation).</summary>
    public static Common.DomainError? Operation(FiscalOperation? operation) =>
        operation is FiscalOperation.Sell or FiscalOperation.SellRefund ? null
            : new(Common.ErrorCodes.ValidationFailed, $"The operation is {Common.ApiNames.Listed([FiscalOperation.Sell, FiscalOperation.SellRefund])}.", "operation");

    /// <summary>One of the five payment kinds (null: a name that is not one).</summary>
    public static Common.DomainError? Payment(PaymentType? type, int index) =>
        type is { } known && Enum.IsDefined(known) ? null
            : new(Common.ErrorCodes.ValidationFailed, $"A payment type is {Common.ApiNames.Listed(Enum.GetValues<PaymentType>())}.", $"payments[{index}].type");
}

/// <summary>
/// A receipt as the till posts it; <see cref="Id"/> is the till's idempotency key. With <see cref="Correction"/> it is a correction receipt.
/// <see cref="ReservedByOrder"/> names the online order this sale pays: its reservation is released in the receipt's own step.
/// </summary>
[GenerateSerializer, Immutable, Alias("ReceiptInput")]
public sealed record ReceiptInput(
    [property: Id(0)] string Id,
    [property: Id(1), JsonConverter(typeof(JsonStringEnumConverter<FiscalOperation>))] FiscalOperation Operation,
    [property: Id(2)] IReadOnlyList<ReceiptItemInput> Items,
    [property: Id(3)] IReadOnlyList<PaymentInput> Payments,
    [property: Id(4)] CustomerInput? Customer = null,
    [property: Id(5)] CorrectionInput? Correction = null,
    [property: Id(6)] string? ReservedByOrder = null);

[GenerateSerializer, Immutable, Alias("VatLine")]
public sealed record VatLine(
    [property: Id(0)] string Rate,
    [property: Id(1)] decimal Amount);

[GenerateSerializer, Immutable, Alias("ReceiptLineView")]
public sealed record ReceiptLineView(
    [property: Id(0)] string Sku,
    [property: Id(1)] string Name,
    [property: Id(2)] decimal Quantity,
    [property: Id(3)] decimal Price,
    [property: Id(4)] decimal Sum,
    [property: Id(5)] string Vat,
    [property: Id(6)] decimal VatAmount,
    [property: Id(7)] string? MarkingCode);

[GenerateSerializer, Immutable, Alias("PaymentView")]
public sealed record PaymentView(
    [property: Id(0)] string Type,
    [property: Id(1)] decimal Amount);

/// <summary>A fiscalized receipt (form 3) as the API returns it.</summary>
[GenerateSerializer, Immutable, Alias("ReceiptDocument")]
public sealed record ReceiptDocument(
    [property: Id(0)] string Id,
    [property: Id(1)] string RegisterId,
    [property: Id(2)] string StoreId,
    [property: Id(3)] string Operation,
    [property: Id(4)] long FiscalDocumentNumber,
    [property: Id(5)] int ShiftNumber,
    [property: Id(6)] int ReceiptNumber,
    [property: Id(7)] long FiscalSign,
    [property: Id(8)] string FnSerial,
    [property: Id(9)] string RegistrationNumber,
    [property: Id(10)] DateTimeOffset DateTime,
    [property: Id(11)] decimal Total,
    [property: Id(12)] IReadOnlyList<VatLine> Vat,
    [property: Id(13)] string Qr,
    [property: Id(14)] IReadOnlyList<ReceiptLineView> Items,
    [property: Id(15)] IReadOnlyList<PaymentView> Payments,
    [property: Id(16)] decimal Change,
    [property: Id(17)] string? CustomerContact,
    [property: Id(18)] int Form = 3);

/// <summary>A register's fiscal commands, one at a time. Key: <c>register/{registerId}</c>.</summary>
[Alias("IRegisterGrain")]
public interface IRegisterGrain : IGrainWithStringKey
{
    /// <summary>Registers the emulated drive for a store (FD 1). Repeating it for the same store changes nothing.</summary>
    [Alias("Register")]
    Task<Common.Outcome<RegisterView>> RegisterAsync(string storeId);

    /// <summary>
    /// Registers a physical drive for a store. The same FN again changes nothing; a new FN on the
    /// same KKT is an FN replacement. Another store or mode is <c>invalid_state</c>.
    /// </summary>
    [Alias("RegisterDevice")]
    Task<Common.Outcome<RegisterView>> RegisterDeviceAsync(DeviceRegistration registration);

    [Alias("Get")]
    Task<RegisterView?> GetAsync();

    [Alias("OpenShift")]
    Task<Common.Outcome<ShiftOpened>> OpenShiftAsync(CashierInfo cashier);

    [Alias("CloseShift")]
    Task<Common.Outcome<ShiftClosed>> CloseShiftAsync(CashierInfo? cashier);

    [Alias("ReportState")]
    Task<Common.Outcome<StateReported>> ReportStateAsync();

    [Alias("Fiscalize")]
    Task<Common.Outcome<ReceiptDocument>> FiscalizeAsync(ReceiptInput receipt);

    [Alias("GetReceipt")]
    Task<ReceiptDocument?> GetReceiptAsync(string receiptId);

    /// <summary>
    /// A receipt the physical drive already signed, reported late and in any order: checked as an
    /// emulated one is, then applied once. A repeat of the same FN and FD number answers the first
    /// document (<c>Replayed</c>); the same number with other content is <c>idempotency_conflict</c>.
    /// </summary>
    [Alias("AcceptFiscalizedReceipt")]
    Task<Common.Outcome<ReceiptDocument>> AcceptFiscalizedReceiptAsync(ReceiptInput receipt, DeviceFiscalData fiscal);

    /// <summary>
    /// Receipts the physical drive signed, in the order given, each exactly as <see cref="AcceptFiscalizedReceiptAsync"/>
    /// would take it alone: one outcome per receipt, a refused one changing nothing and stopping none of the others.
    /// </summary>
    [Alias("AcceptFiscalizedReceipts")]
    Task<IReadOnlyList<Common.Outcome<ReceiptDocument>>> AcceptFiscalizedReceiptsAsync(IReadOnlyList<FiscalizedReceipt> receipts);

    /// <summary>A shift-open, shift-close or state report the physical drive signed; repeats as for receipts.</summary>
    [Alias("AcceptFiscalizedReport")]
    Task<Common.Outcome<FiscalizedReport>> AcceptFiscalizedReportAsync(FiscalizedReport report);

    /// <summary>The FD numbers not received yet, per FN; null before registration.</summary>
    [Alias("GetGaps")]
    Task<RegisterGaps?> GetGapsAsync();

    /// <summary>The emulated fiscal data operator: reachable or not.</summary>
    [Alias("SetOfdReachable")]
    Task<OfdView> SetOfdReachableAsync(bool reachable);

    /// <summary>Sends the OFD outbox now; a reachable operator confirms every document in it.</summary>
    [Alias("DeliverToOfd")]
    Task<OfdView> DeliverToOfdAsync();
}

/// <summary>One marked unit (Честный ЗНАК): in stock, sold, returned. Key: the marking code.</summary>
[Alias("IMarkingCodeGrain")]
public interface IMarkingCodeGrain : IGrainWithStringKey
{
    /// <summary>
    /// Holds the unit for a receipt about to be fiscalized, for a minute; refused if another receipt sold
    /// or holds it. Nothing is stored: a receipt that is never journaled lets the hold lapse.
    /// </summary>
    [Alias("Hold")]
    Task<Common.DomainError?> HoldAsync(string receiptKey);

    /// <summary>Marks the unit sold by this journaled receipt; repeating it is harmless. The refusal when another receipt sold it (a double sale to look into).</summary>
    [Alias("Sell")]
    Task<Common.DomainError?> SellAsync(string receiptKey);

    /// <summary>Lets go of the hold of a receipt that was not fiscalized.</summary>
    [Alias("CancelSale")]
    Task CancelSaleAsync(string receiptKey);

    /// <summary>A refund puts the unit back in stock.</summary>
    [Alias("Return")]
    Task ReturnAsync(string receiptKey);

    /// <summary>
    /// A sale a physical drive already signed: a legal fact, never refused. Sales and returns reported
    /// late apply in the order they happened, so the latest one decides the status. True when another
    /// receipt held the unit sold at that moment (a double sale to look into).
    /// </summary>
    [Alias("RecordSale")]
    Task<bool> RecordSaleAsync(string receiptKey, DateTimeOffset fiscalizedAt);

    /// <summary>A refund a physical drive already signed, ordered with the sales as <see cref="RecordSaleAsync"/>.</summary>
    [Alias("RecordReturn")]
    Task RecordReturnAsync(string receiptKey, DateTimeOffset fiscalizedAt);

    [Alias("Status")]
    Task<string> StatusAsync();
}

/// <summary>
/// Published on the <c>receipts</c> stream of the store for every fiscalized receipt. <see cref="JournalSequence"/>
/// is the receipt's entry in its register's journal, so a consumer can tell a repeat from a gap; 0 from a
/// publisher older than the field.
/// </summary>
[GenerateSerializer, Immutable, Alias("ReceiptFiscalized")]
public sealed record ReceiptFiscalized(
    [property: Id(0)] string EventId,
    [property: Id(1)] ReceiptDocument Receipt,
    [property: Id(2)] long JournalSequence = 0);
