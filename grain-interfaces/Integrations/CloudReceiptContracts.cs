using Retail.Common;
using Retail.Registers;

namespace Retail.Integrations;

/// <summary>
/// One item of a web shop's receipt, with its own fiscal terms: name, price, quantity, sum after discount,
/// VAT rate (API name), unit (tag 2108), payment object (1212) and method (1214). <see cref="UserData"/> and
/// <see cref="Name"/> are what the item is matched to a SKU by; <see cref="MarkingCode"/> is the marked unit's
/// GS1 code as printed (base64 of it, as ATOL v5 sends it, is decoded before it gets here).
/// </summary>
[GenerateSerializer, Immutable, Alias("CloudReceiptItem")]
public sealed record CloudReceiptItem(
    [property: Id(0)] string Name,
    [property: Id(1)] decimal Price,
    [property: Id(2)] decimal Quantity,
    [property: Id(3)] decimal Sum,
    [property: Id(4)] string Vat,
    [property: Id(5)] int Unit,
    [property: Id(6)] int PaymentObject,
    [property: Id(7)] int PaymentMethod,
    [property: Id(8)] string? UserData = null,
    [property: Id(9)] string? MarkingCode = null);

/// <summary>
/// A receipt a web shop asks to fiscalize on an emulated register of a store (the cloud register's "group"):
/// <see cref="ExternalId"/> is the shop's idempotency key; <see cref="Operation"/> is <c>sell</c> or <c>sellRefund</c>;
/// with <see cref="Correction"/> it is a correction receipt. <see cref="CallbackUrl"/> receives the report when it is done.
/// </summary>
[GenerateSerializer, Immutable, Alias("CloudReceiptRequest")]
public sealed record CloudReceiptRequest(
    [property: Id(0)] string RegisterId,
    [property: Id(1)] string ExternalId,
    [property: Id(2)] string Operation,
    [property: Id(3)] IReadOnlyList<CloudReceiptItem> Items,
    [property: Id(4)] IReadOnlyList<PaymentInput> Payments,
    [property: Id(5)] CustomerInput? Customer,
    [property: Id(6)] CorrectionInput? Correction,
    [property: Id(7)] string? CallbackUrl,
    [property: Id(8)] string ApiVersion);

/// <summary>Where a web shop's receipt is: <c>wait</c> (accepted, not fiscalized yet), <c>done</c>, <c>fail</c>.</summary>
public static class CloudReceiptStatus
{
    public const string Wait = "wait";
    public const string Done = "done";
    public const string Fail = "fail";
}

/// <summary>
/// A web shop's receipt as its report shows it: the fiscal receipt once done, the refusal once failed, and the
/// items (by position) no SKU matched, which were fiscalized without moving stock.
/// </summary>
[GenerateSerializer, Immutable, Alias("CloudReceiptView")]
public sealed record CloudReceiptView(
    [property: Id(0)] string Uuid,
    [property: Id(1)] string RegisterId,
    [property: Id(2)] string StoreId,
    [property: Id(3)] string ExternalId,
    [property: Id(4)] string Status,
    [property: Id(5)] DateTimeOffset AcceptedAt,
    [property: Id(6)] ReceiptDocument? Receipt,
    [property: Id(7)] DomainError? Error,
    [property: Id(8)] IReadOnlyList<int> UnmatchedItems,
    [property: Id(9)] string? CallbackUrl,
    [property: Id(10)] string ApiVersion,
    [property: Id(11)] string TimeZone);

/// <summary>
/// One web shop receipt, from acceptance to its report. Key: <c>cloud-receipt/{uuid}</c>, the uuid derived from
/// the register and the external id, so the same external id always reaches the same grain.
/// </summary>
[Alias("ICloudReceiptGrain")]
public interface ICloudReceiptGrain : IGrainWithStringKey
{
    /// <summary>
    /// Accepts the receipt (durably) and fiscalizes it. The same request again answers as the first did
    /// (<c>Replayed</c>); the same external id with other content is <c>idempotency_conflict</c>.
    /// </summary>
    [Alias("Submit")]
    Task<Outcome<CloudReceiptView>> SubmitAsync(CloudReceiptRequest request);

    /// <summary>The report; a receipt still waiting is fiscalized now if it can be. Null for an unknown uuid.</summary>
    [Alias("Get")]
    Task<CloudReceiptView?> GetAsync();
}
