using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Retail.Common;
using Retail.Hosting;
using Retail.Registers.Fiscal;

namespace Retail.Integrations;

/// <summary>What the cloud register answers that is not in the receipt: the operator's INN and where a buyer sees the receipt.</summary>
public sealed class CloudRegisterOptions : ISettingsSection<CloudRegisterOptions>
{
    public static string Section => "Retail:CloudRegister";

    /// <summary>The INN of the fiscal data operator the registers send to (payload <c>ofd_inn</c>).</summary>
    public string OfdInn { get; set; } = "0000000000";

    /// <summary>The tax service's site printed on receipts (payload <c>fns_site</c>).</summary>
    public string FnsSite { get; set; } = "www.nalog.gov.ru";

    /// <summary>The receipt's page at the operator: <c>{fn}</c>, <c>{fd}</c>, <c>{fp}</c> and <c>{qr}</c> are filled in.</summary>
    public string ReceiptUrl { get; set; } = "https://check.nalog.ru/?{qr}";

    public static IReadOnlyList<SettingRule<CloudRegisterOptions>> Rules { get; } =
        [new(nameof(OfdInn), o => o.OfdInn is { Length: 10 } && o.OfdInn.All(char.IsAsciiDigit), "10 digits")];
}

/// <summary>
/// The wire format of ATOL Online's cloud-register protocol (v4 and v5), as its clients read it: every error an
/// object with an integer code, every date-time <c>dd.MM.yyyy HH:mm:ss</c> in the store's zone, every payload
/// field present, the fiscal sign an unsigned 32-bit number.
/// </summary>
public static class AtolProtocol
{
    public const string DateTimeFormat = "dd.MM.yyyy HH:mm:ss";

    // The protocol's error codes (its published table); the comment says when each is answered.
    /// <summary>Something failed on our side; the request may be sent again.</summary>
    public const int ServerError = 50;
    /// <summary>The receipt could not be fiscalized (the report's error when it failed).</summary>
    public const int ProcessingFailed = 1;
    /// <summary>No token, or one not issued here.</summary>
    public const int MissingToken = 10;
    public const int ExpiredToken = 11;
    public const int WrongLoginOrPassword = 12;
    /// <summary>The getToken body is not what it should be.</summary>
    public const int TokenRequestInvalid = 13;
    /// <summary>The group is not a register this key may use.</summary>
    public const int GroupNotAllowed = 20;
    /// <summary>The uuid names no receipt of this group.</summary>
    public const int UnknownUuid = 30;
    public const int UnsupportedOperation = 31;
    /// <summary>The receipt's body is wrong; the text names the fields.</summary>
    public const int InvalidReceipt = 32;
    /// <summary>The external id was used for another receipt; the first one's uuid comes back.</summary>
    public const int ExternalIdExists = 33;
    /// <summary>The receipt is still being fiscalized: ask again later.</summary>
    public const int StillWaiting = 34;
    public const int BadRequest = 40;
    public const int UnsupportedMediaType = 41;

    public static string Timestamp(DateTimeOffset at, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(at, zone).ToString(DateTimeFormat, CultureInfo.InvariantCulture);

    public static bool TryParseTimestamp(string? text, out DateTime value) =>
        DateTime.TryParseExact(text, DateTimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out value);

    public static TimeZoneInfo Zone(string? timeZoneId) => FiscalDrive.TryFindZone(timeZoneId, out var zone) ? zone : TimeZoneInfo.Utc;

    /// <summary>The error object: <c>{error_id, code, text, type}</c>; <paramref name="type"/> is <c>system</c>, <c>driver</c>, <c>agent</c>, <c>timeout</c> or <c>unknown</c>.</summary>
    public static JsonObject Error(int code, string text, string type = "system") => new()
    {
        ["error_id"] = Guid.NewGuid().ToString("D"),
        ["code"] = code,
        ["text"] = text,
        ["type"] = type,
    };

    /// <summary>The report of a receipt (also what its callback receives).</summary>
    public static JsonObject Report(CloudReceiptView receipt, CloudRegisterOptions options, DateTimeOffset now)
    {
        var zone = Zone(receipt.TimeZone);
        var report = new JsonObject
        {
            ["uuid"] = receipt.Uuid,
            ["error"] = receipt.Status switch
            {
                CloudReceiptStatus.Wait => Error(StillWaiting, "Состояние чека не найдено. Попробуйте позднее (the receipt is still being fiscalized)."),
                CloudReceiptStatus.Fail => Error(ProcessingFailed, FailureText(receipt.Error), "driver"),
                _ => null,
            },
            ["status"] = receipt.Status,
            ["payload"] = receipt.Receipt is { } done ? Payload(done, options, zone) : null,
            ["timestamp"] = Timestamp(now, zone),
            ["group_code"] = receipt.RegisterId,
            ["daemon_code"] = "retail-cloud",
            ["device_code"] = receipt.Receipt?.RegistrationNumber ?? receipt.RegisterId,
            ["external_id"] = receipt.ExternalId,
            ["callback_url"] = receipt.CallbackUrl ?? "",
        };
        if (receipt.UnmatchedItems.Count > 0)
            report["unmatched_items"] = new JsonArray(receipt.UnmatchedItems.Select(i => (JsonNode)i).ToArray());
        return report;
    }

    private static string FailureText(DomainError? error) =>
        error is null ? "The receipt was not fiscalized." : $"{error.Code}: {error.Detail}";

    private static JsonObject Payload(Registers.ReceiptDocument receipt, CloudRegisterOptions options, TimeZoneInfo zone) => new()
    {
        ["total"] = receipt.Total,
        ["fns_site"] = options.FnsSite,
        ["fn_number"] = receipt.FnSerial,
        ["shift_number"] = receipt.ShiftNumber,
        ["receipt_datetime"] = Timestamp(receipt.DateTime, zone),
        ["fiscal_receipt_number"] = receipt.ReceiptNumber,
        ["fiscal_document_number"] = receipt.FiscalDocumentNumber,
        ["ecr_registration_number"] = receipt.RegistrationNumber,
        ["fiscal_document_attribute"] = (uint)receipt.FiscalSign,
        ["ofd_inn"] = options.OfdInn,
        ["ofd_receipt_url"] = options.ReceiptUrl
            .Replace("{fn}", receipt.FnSerial, StringComparison.Ordinal)
            .Replace("{fd}", receipt.FiscalDocumentNumber.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{fp}", ((uint)receipt.FiscalSign).ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{qr}", receipt.Qr, StringComparison.Ordinal),
    };

    public static string Json(JsonNode node) => node.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
}
