namespace Retail.Registers;

/// <summary>How a register's receipts are fiscalized (API.md, "Registers").</summary>
public static class RegisterModes
{
    /// <summary>The register grain emulates the fiscal drive: it numbers and signs every document.</summary>
    public const string Emulated = "emulated";

    /// <summary>A physical drive (ATOL, Evotor) numbers and signs; the till reports its documents afterwards.</summary>
    public const string Device = "device";
}

/// <summary>
/// A register with a physical fiscal drive: its store, FN serial (1041), KKT registration number
/// (1037) and, for an FN already in use, the first FD number (1040) the till will report (FD 2,
/// right after the registration report, when not given).
/// </summary>
[GenerateSerializer, Immutable, Alias("DeviceRegistration")]
public sealed record DeviceRegistration(
    [property: Id(0)] string StoreId,
    [property: Id(1)] string FnSerial,
    [property: Id(2)] string RegistrationNumber,
    [property: Id(3)] long? FirstFiscalDocumentNumber = null);

/// <summary>
/// What the physical drive printed on a receipt: FN serial (1041), FD number (1040), fiscal sign
/// (1077), shift (1038), receipt number in the shift (1042), date-time (1012); optionally its QR
/// string, total (1020) and VAT per rate, which must agree with the receipt's items.
/// </summary>
[GenerateSerializer, Immutable, Alias("DeviceFiscalData")]
public sealed record DeviceFiscalData(
    [property: Id(0)] string FnSerial,
    [property: Id(1)] long FiscalDocumentNumber,
    [property: Id(2)] long FiscalSign,
    [property: Id(3)] int ShiftNumber,
    [property: Id(4)] int ReceiptNumber,
    [property: Id(5)] DateTimeOffset DateTime,
    [property: Id(6)] string? Qr = null,
    [property: Id(7)] decimal? Total = null,
    [property: Id(8)] IReadOnlyList<VatLine>? Vat = null);

/// <summary>
/// A report the physical drive signed: form 2 (shift open), 5 (shift close, with the shift's
/// receipts 1118 and documents 1111) or 21 (current state). It tells the register which FD numbers
/// are reports rather than gaps, and how many receipts a closed shift had.
/// </summary>
[GenerateSerializer, Immutable, Alias("FiscalizedReport")]
public sealed record FiscalizedReport(
    [property: Id(0)] string FnSerial,
    [property: Id(1)] int Form,
    [property: Id(2)] long FiscalDocumentNumber,
    [property: Id(3)] long FiscalSign,
    [property: Id(4)] int ShiftNumber,
    [property: Id(5)] DateTimeOffset DateTime,
    [property: Id(6)] int? ReceiptCount = null,
    [property: Id(7)] int? DocumentCount = null);

/// <summary>The FD numbers a register's till has not reported yet, FN by FN (old FNs too), and the shifts short of receipts.</summary>
[GenerateSerializer, Immutable, Alias("RegisterGaps")]
public sealed record RegisterGaps(
    [property: Id(0)] string RegisterId,
    [property: Id(1)] string StoreId,
    [property: Id(2)] string Mode,
    [property: Id(3)] long MissingCount,
    [property: Id(4)] IReadOnlyList<FiscalDriveGaps> FiscalDrives);

/// <summary>
/// One FN: the FD numbers tracked from <see cref="FirstFiscalDocumentNumber"/> up to the highest
/// received, those missing (at most <see cref="MaxListed"/> listed; <see cref="MissingCount"/> counts all).
/// </summary>
[GenerateSerializer, Immutable, Alias("FiscalDriveGaps")]
public sealed record FiscalDriveGaps(
    [property: Id(0)] string FnSerial,
    [property: Id(1)] bool Current,
    [property: Id(2)] long FirstFiscalDocumentNumber,
    [property: Id(3)] long HighestReceived,
    [property: Id(4)] long MissingCount,
    [property: Id(5)] IReadOnlyList<long> Missing,
    [property: Id(6)] IReadOnlyList<ShortShift> Shifts,
    [property: Id(7)] DateTimeOffset? ReplacedAt)
{
    public const int MaxListed = 1000;
}

/// <summary>A closed shift whose Z-report counts more receipts (1118) than have arrived; its FD range follows from 1111.</summary>
[GenerateSerializer, Immutable, Alias("ShortShift")]
public sealed record ShortShift(
    [property: Id(0)] int ShiftNumber,
    [property: Id(1)] int ReceiptCount,
    [property: Id(2)] long ReceivedReceipts,
    [property: Id(3)] IReadOnlyList<long> MissingReceiptNumbers,
    [property: Id(4)] long FirstFiscalDocumentNumber,
    [property: Id(5)] long LastFiscalDocumentNumber,
    [property: Id(6)] int DocumentCount);

/// <summary>
/// Published on the <c>register-events</c> stream of the store when a device register's till
/// reports an FD number beyond the next one: the numbers in between are a new gap.
/// </summary>
[GenerateSerializer, Immutable, Alias("RegisterGapDetected")]
public sealed record RegisterGapDetected(
    [property: Id(0)] string EventId,
    [property: Id(1)] string RegisterId,
    [property: Id(2)] string StoreId,
    [property: Id(3)] string FnSerial,
    [property: Id(4)] long FirstMissing,
    [property: Id(5)] long LastMissing,
    [property: Id(6)] DateTimeOffset DetectedAt)
{
    public const string EventType = "register.gap";

    public string Type => EventType;

    public long Count => LastMissing - FirstMissing + 1;
}

/// <summary>One receipt of a batch a till replays after working offline: what it sold and what its drive printed.</summary>
[GenerateSerializer, Immutable, Alias("FiscalizedReceipt")]
public sealed record FiscalizedReceipt(
    [property: Id(0)] ReceiptInput Receipt,
    [property: Id(1)] DeviceFiscalData Fiscal);
