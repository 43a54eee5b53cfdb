using System.Collections.Immutable;
using System.Text.Json.Serialization;
using Retail.Common;

namespace Retail.Registers.Fiscal;

/// <summary>
/// A document a physical drive signed and the till reported afterwards: its form, FD number (1040)
/// and shift (1038); a receipt's number in the shift (1042); a Z-report's receipts (1118) and
/// documents (1111) in the shift.
/// </summary>
public sealed record DeviceDocument(
    FiscalDocumentForm Form,
    long FiscalDocumentNumber,
    int ShiftNumber,
    DateTimeOffset DateTime,
    int? ReceiptNumber = null,
    int? ReceiptCount = null,
    int? DocumentCount = null);

/// <summary>What a till reports of a receipt its drive signed (the fiscal block beside the receipt's items).</summary>
public sealed record DeviceReceiptFacts(
    string FnSerial,
    string RegistrationNumber,
    long FiscalDocumentNumber,
    uint FiscalSign,
    int ShiftNumber,
    int ReceiptNumber,
    DateTimeOffset DateTime,
    string? Qr = null,
    decimal? Total = null,
    ImmutableArray<VatAmount>? Vat = null);

/// <summary>
/// One shift of a physical drive as far as its documents have arrived: the opening report (form 2),
/// the Z-report (form 5) with its counters 1118 and 1111, and the receipt numbers (1042) received.
/// </summary>
[GenerateSerializer, Immutable, Alias("DeviceShift")]
public sealed record DeviceShift(
    [property: Id(0)] int Number,
    [property: Id(1)] long? OpenFiscalDocumentNumber,
    [property: Id(2)] DateTimeOffset? OpenedAt,
    [property: Id(3)] long? CloseFiscalDocumentNumber,
    [property: Id(4)] DateTimeOffset? ClosedAt,
    [property: Id(5)] int? ReceiptCount,
    [property: Id(6)] int? DocumentCount,
    [property: Id(7)] NumberSet ReceiptNumbers,
    [property: Id(8)] long? FirstReceiptFiscalDocumentNumber,
    [property: Id(9)] long? LastReceiptFiscalDocumentNumber)
{
    public static DeviceShift Unseen(int number) => new(number, null, null, null, null, null, null, NumberSet.Empty, null, null);

    [JsonIgnore]
    public long ReceivedReceipts => ReceiptNumbers.Count;

    /// <summary>Tag 1111 counts the shift's documents from its opening report up to the Z-report, so the Z-report fixes the shift's FD range.</summary>
    [JsonIgnore]
    public NumberRange? Span => CloseFiscalDocumentNumber is { } close && DocumentCount is { } count ? new NumberRange(close - count + 1, close) : null;

    /// <summary>No document of this shift has a smaller FD number.</summary>
    [JsonIgnore]
    public long? Lowest => OpenFiscalDocumentNumber ?? Span?.From ?? FirstReceiptFiscalDocumentNumber;

    /// <summary>No document of this shift (state reports aside) has a larger FD number.</summary>
    [JsonIgnore]
    public long? Highest => CloseFiscalDocumentNumber ?? LastReceiptFiscalDocumentNumber;

    [JsonIgnore]
    public bool IsShort => ReceiptCount is { } expected && ReceivedReceipts < expected;
}

/// <summary>
/// One FN of a device register: which FD numbers (1040) have arrived from the till, from the first
/// one expected, and the shifts whose documents are still incomplete. FD numbers below the highest
/// received that never arrived are the gaps.
/// </summary>
[GenerateSerializer, Immutable, Alias("DeviceDriveState")]
public sealed record DeviceDriveState(
    [property: Id(0)] string FnSerial,
    [property: Id(1)] string RegistrationNumber,
    [property: Id(2)] long FirstFiscalDocumentNumber,
    [property: Id(3)] NumberSet Received,
    [property: Id(4)] ImmutableArray<DeviceShift> Shifts,
    [property: Id(5)] NumberSet CompletedShifts,
    [property: Id(6)] DateTimeOffset RegisteredAt,
    [property: Id(7)] DateTimeOffset? ReplacedAt = null)
{
    [JsonIgnore]
    public long HighestReceived => Received.Max ?? FirstFiscalDocumentNumber - 1;

    [JsonIgnore]
    public long MissingCount => HighestReceived - FirstFiscalDocumentNumber + 1 - Received.Count;

    [JsonIgnore]
    public IEnumerable<NumberRange> Missing => Received.MissingWithin(FirstFiscalDocumentNumber, HighestReceived);

    /// <summary>Open, incomplete or the latest shifts, by number; complete ones are only remembered in <see cref="CompletedShifts"/>.</summary>
    [JsonIgnore]
    public ImmutableArray<DeviceShift> KnownShifts => Shifts.IsDefault ? [] : Shifts;

    [JsonIgnore]
    public DeviceShift? LatestShift => KnownShifts.IsEmpty ? null : KnownShifts.MaxBy(s => s.Number);
}

/// <summary>A device register's drives, the current one last; earlier ones keep their gaps after an FN replacement.</summary>
[GenerateSerializer, Immutable, Alias("DeviceRegisterState")]
public sealed record DeviceRegisterState(
    [property: Id(0)] string UserInn,
    [property: Id(1)] TaxationSystem TaxationSystem,
    [property: Id(2)] string TimeZoneId,
    [property: Id(3)] ImmutableArray<DeviceDriveState> Drives)
{
    [JsonIgnore]
    public DeviceDriveState Current => Drives[^1];

    public DeviceDriveState? Find(string fnSerial) => Drives.FirstOrDefault(d => d.FnSerial == fnSerial);

    [JsonIgnore]
    public long MissingCount => Drives.Sum(d => d.MissingCount);

    public DeviceRegisterState With(DeviceDriveState drive)
    {
        for (var i = 0; i < Drives.Length; i++)
        {
            if (Drives[i].FnSerial == drive.FnSerial)
                return this with { Drives = Drives.SetItem(i, drive) };
        }
        throw new ArgumentException($"FN {drive.FnSerial} is not a drive of this register.", nameof(drive));
    }
}

/// <summary>
/// The register side of a physical fiscal drive (ATOL, Evotor): the drive numbers and signs, the
/// till reports later and in any order. Pure: each call takes a state and returns the next one, a
/// new gap if the document jumped ahead, or a refusal that changes nothing.
/// </summary>
public static class DeviceDrive
{
    /// <summary>FD 1 of every FN is its registration (or re-registration) report: receipts start after it.</summary>
    public const long FirstAfterRegistration = 2;

    /// <summary>Tag 1040 and tag 1077 are 4-byte unsigned numbers on the drive.</summary>
    public const long MaxFiscalDocumentNumber = uint.MaxValue;

    public static (DeviceRegisterState? State, DomainError? Error) Register(
        string fnSerial, string registrationNumber, long? firstFiscalDocumentNumber, string userInn, TaxationSystem taxationSystem,
        string timeZoneId, DateTimeOffset now)
    {
        if (CheckIdentity(fnSerial, registrationNumber, firstFiscalDocumentNumber) is { } invalid)
            return (null, invalid);
        if (!FiscalDrive.TryFindZone(timeZoneId, out _))
            return (null, new DomainError(ErrorCodes.ValidationFailed, $"'{timeZoneId}' is not a known IANA time zone.", "timeZone"));
        return (new DeviceRegisterState(userInn, taxationSystem, timeZoneId,
            [Start(fnSerial, registrationNumber, firstFiscalDocumentNumber, now)]), null);
    }

    /// <summary>
    /// The register again with an FN serial: the same FN changes nothing (<c>Changed</c> false); a new
    /// one is an FN replacement, starting its own FD sequence while the old FN keeps its gaps. A KKT
    /// keeps its registration number (1037) across FN replacements, and a replaced FN never returns.
    /// </summary>
    public static (DeviceRegisterState State, bool Changed, DomainError? Error) Reregister(
        DeviceRegisterState state, string fnSerial, string registrationNumber, long? firstFiscalDocumentNumber, DateTimeOffset now)
    {
        if (CheckIdentity(fnSerial, registrationNumber, firstFiscalDocumentNumber) is { } invalid)
            return (state, false, invalid);
        var current = state.Current;
        if (registrationNumber != current.RegistrationNumber)
            return (state, false, FiscalErrors.InvalidState(
                $"This register is KKT {current.RegistrationNumber}; a KKT keeps its registration number when its FN is replaced. Register another KKT as another register."));
        if (fnSerial == current.FnSerial)
            return firstFiscalDocumentNumber is null || firstFiscalDocumentNumber == current.FirstFiscalDocumentNumber
                ? (state, false, null)
                : (state, false, FiscalErrors.InvalidState(
                    $"FN {fnSerial} is tracked from FD {current.FirstFiscalDocumentNumber}, not {firstFiscalDocumentNumber}."));
        if (state.Find(fnSerial) is { } earlier)
            return (state, false, FiscalErrors.InvalidState($"FN {fnSerial} was replaced at {earlier.ReplacedAt:O}; a closed FN cannot come back."));

        var drives = state.Drives.SetItem(state.Drives.Length - 1, current with { ReplacedAt = now })
            .Add(Start(fnSerial, registrationNumber, firstFiscalDocumentNumber, now));
        return (state with { Drives = drives }, true, null);
    }

    /// <summary>The form of a reported document's numbers, before anything is compared with the drive.</summary>
    public static DomainError? CheckDocument(DeviceDocument document, string path = "")
    {
        if (document.FiscalDocumentNumber is < 1 or > MaxFiscalDocumentNumber)
            return new DomainError(ErrorCodes.ValidationFailed, $"An FD number (tag 1040) is 1 to {MaxFiscalDocumentNumber}.", path + "fiscalDocumentNumber");
        var isReport = document.Form is FiscalDocumentForm.ShiftOpenReport or FiscalDocumentForm.ShiftCloseReport or FiscalDocumentForm.StateReport;
        if (!isReport && document.Form is not (FiscalDocumentForm.Receipt or FiscalDocumentForm.CorrectionReceipt))
            return new DomainError(ErrorCodes.ValidationFailed, "A till reports receipts and the forms 2 (shift open), 5 (shift close) and 21 (current state).", path + "form");
        // A state report before the first shift carries shift 0 (tag 1038); everything else belongs to a shift.
        if (document.ShiftNumber < (document.Form == FiscalDocumentForm.StateReport ? 0 : 1))
            return new DomainError(ErrorCodes.ValidationFailed, "A shift number (tag 1038) is 1 or more.", path + "shiftNumber");
        if (!isReport && document.ReceiptNumber is not >= 1)
            return new DomainError(ErrorCodes.ValidationFailed, "A receipt number in the shift (tag 1042) is 1 or more.", path + "receiptNumber");
        if (document.Form == FiscalDocumentForm.ShiftCloseReport)
        {
            if (document.ReceiptCount is not >= 0)
                return new DomainError(ErrorCodes.ValidationFailed, "A Z-report counts the shift's receipts (tag 1118): 0 or more.", path + "receiptCount");
            // 1111 runs from the opening report to the Z-report itself, with every receipt between them.
            if (document.DocumentCount is not { } count || count < document.ReceiptCount + 2 || count > document.FiscalDocumentNumber - 1)
                return new DomainError(ErrorCodes.ValidationFailed, "A Z-report counts the shift's documents (tag 1111): its opening report, receipts and itself, after FD 1.", path + "documentCount");
        }
        else if (document.ReceiptCount is not null || document.DocumentCount is not null)
            return new DomainError(ErrorCodes.ValidationFailed, "Only a Z-report (form 5) carries the shift's counters.", path + (document.ReceiptCount is not null ? "receiptCount" : "documentCount"));
        return null;
    }

    /// <summary>
    /// Takes a reported document into the drive's account. Refused: an FD number below the tracked
    /// range (<c>validation_failed</c>), one already received (<c>idempotency_conflict</c>; the grain
    /// tells a repeat from a conflict first), and a document that contradicts those already received:
    /// outside its shift's FD range, a receipt number taken or beyond the Z-report's count, shifts out
    /// of FD order (<c>invalid_state</c>).
    /// </summary>
    public static (DeviceDriveState State, NumberRange? NewGap, DomainError? Error) Accept(DeviceDriveState drive, DeviceDocument document, string path = "")
    {
        if (CheckDocument(document, path) is { } invalid)
            return (drive, null, invalid);
        var fd = document.FiscalDocumentNumber;
        var fdField = path + "fiscalDocumentNumber";
        if (fd < drive.FirstFiscalDocumentNumber)
            return (drive, null, new DomainError(ErrorCodes.ValidationFailed, fd == 1
                ? "FD 1 of an FN is its registration report."
                : $"FN {drive.FnSerial} is tracked from FD {drive.FirstFiscalDocumentNumber}; FD {fd} comes before it.", fdField));
        if (drive.Received.Contains(fd))
            return (drive, null, new DomainError(ErrorCodes.IdempotencyConflict,
                $"FD {fd} of FN {drive.FnSerial} was already received as another document.", fdField));

        var shifts = drive.KnownShifts;
        if (document.Form != FiscalDocumentForm.StateReport)
        {
            var number = document.ShiftNumber;
            if (drive.CompletedShifts.Contains(number))
                return (drive, null, FiscalErrors.InvalidState(
                    $"Shift {number} of FN {drive.FnSerial} has every document its Z-report counts; FD {fd} cannot belong to it."));
            var index = -1;
            for (var i = 0; i < shifts.Length && index < 0; i++)
                index = shifts[i].Number == number ? i : -1;
            var shift = index >= 0 ? shifts[index] : DeviceShift.Unseen(number);
            if (CheckShiftOrder(shifts, shift, fd) is { } disorder)
                return (drive, null, disorder);
            var (updated, contradiction) = document.Form switch
            {
                FiscalDocumentForm.ShiftOpenReport => Open(shift, document),
                FiscalDocumentForm.ShiftCloseReport => Close(shift, document),
                _ => AddReceipt(shift, document),
            };
            if (contradiction is not null)
                return (drive, null, contradiction);
            shifts = index >= 0 ? shifts.SetItem(index, updated!) : shifts.Add(updated!).Sort((a, b) => a.Number.CompareTo(b.Number));
        }

        var highest = drive.HighestReceived;
        var next = Compact(drive with { Received = drive.Received.Add(fd), Shifts = shifts });
        return (next, fd > highest + 1 ? new NumberRange(highest + 1, fd - 1) : null, null);
    }

    /// <summary>The Z-reported shifts whose receipts have not all arrived.</summary>
    public static IEnumerable<DeviceShift> ShortShifts(DeviceDriveState drive) => drive.KnownShifts.Where(s => s.IsShort);

    /// <summary>
    /// A receipt as the drive signed it, from the till's items and the drive's numbers. The sums are
    /// <see cref="ReceiptCalculator"/>'s, exactly as for an emulated receipt; the drive's total, VAT
    /// and QR code, when the till sends them, must agree with them. The date-time is the store's local
    /// time (tag 1012), whose date picks the VAT rates.
    /// </summary>
    public static (FiscalReceipt? Receipt, DomainError? Error) Receipt(
        DeviceReceiptFacts facts, ReceiptRequest request, TaxationSystem taxationSystem, string timeZoneId, string path = "fiscal.")
    {
        if (!FiscalDrive.TryFindZone(timeZoneId, out var zone))
            throw new InvalidOperationException($"Time zone '{timeZoneId}' is not known on this machine.");
        var local = FiscalDrive.Truncate(TimeZoneInfo.ConvertTime(facts.DateTime, zone));
        var (calculation, error) = ReceiptCalculator.Calculate(request.Operation, request.Items.IsDefault ? [] : request.Items,
            request.Payments.IsDefault ? [] : request.Payments, DateOnly.FromDateTime(local.DateTime));
        if (error is not null)
            return (null, error);
        if (FiscalDrive.CheckCustomerContact(request.CustomerContact) is { } contactError)
            return (null, contactError);
        if (facts.Total is { } total && total != calculation!.Total)
            return (null, new DomainError(ErrorCodes.ValidationFailed, $"The drive's total {total:0.00} is not the sum of the items, {calculation.Total:0.00}.", path + "total"));
        if (facts.Vat is { } vat && !SameVat(vat, calculation!.Vat))
            return (null, new DomainError(ErrorCodes.ValidationFailed, $"The drive's VAT ({Describe(vat)}) is not the VAT of the items ({Describe(calculation.Vat)}).", path + "vat"));

        var qr = new FiscalQr(local.DateTime, calculation!.Total, facts.FnSerial, facts.FiscalDocumentNumber, facts.FiscalSign, request.Operation);
        if (facts.Qr is { } printed && CheckQr(printed, qr, path + "qr") is { } qrError)
            return (null, qrError);

        var header = new FiscalDocumentHeader(FiscalDocumentForm.Receipt, facts.FnSerial, facts.RegistrationNumber,
            facts.FiscalDocumentNumber, facts.ShiftNumber, local, facts.FiscalSign);
        return (new FiscalReceipt(header, facts.ReceiptNumber, request.Operation, taxationSystem, calculation.Lines, calculation.Total,
            calculation.Vat, calculation.Payments, calculation.Change, request.CustomerContact, null, qr.ToQrString()), null);
    }

    private static DeviceDriveState Start(string fnSerial, string registrationNumber, long? firstFiscalDocumentNumber, DateTimeOffset now) =>
        new(fnSerial, registrationNumber, firstFiscalDocumentNumber ?? FirstAfterRegistration, NumberSet.Empty, [], NumberSet.Empty, now);

    private static DomainError? CheckIdentity(string? fnSerial, string? registrationNumber, long? firstFiscalDocumentNumber)
    {
        if (!FiscalDriveIdentity.IsSixteenDigits(fnSerial))
            return new DomainError(ErrorCodes.ValidationFailed, "An FN serial (tag 1041) is 16 digits.", "fnSerial");
        if (!FiscalDriveIdentity.IsSixteenDigits(registrationNumber))
            return new DomainError(ErrorCodes.ValidationFailed, "A registration number (tag 1037) is 16 digits, leading zeros kept.", "registrationNumber");
        if (firstFiscalDocumentNumber is < FirstAfterRegistration or > MaxFiscalDocumentNumber)
            return new DomainError(ErrorCodes.ValidationFailed, $"The first FD number expected from the till is {FirstAfterRegistration} (right after the registration report) to {MaxFiscalDocumentNumber}.", "firstFiscalDocumentNumber");
        return null;
    }

    /// <summary>FD numbers grow with shift numbers: no document of a later shift precedes one of an earlier shift.</summary>
    private static DomainError? CheckShiftOrder(ImmutableArray<DeviceShift> shifts, DeviceShift shift, long fd)
    {
        foreach (var other in shifts)
        {
            if (other.Number < shift.Number && other.Highest is { } before && before > fd)
                return FiscalErrors.InvalidState($"FD {fd} of shift {shift.Number} cannot come before FD {before} of shift {other.Number}.");
            if (other.Number > shift.Number && other.Lowest is { } after && after < fd)
                return FiscalErrors.InvalidState($"FD {fd} of shift {shift.Number} cannot come after FD {after} of shift {other.Number}.");
        }
        return null;
    }

    private static (DeviceShift?, DomainError?) AddReceipt(DeviceShift shift, DeviceDocument receipt)
    {
        var fd = receipt.FiscalDocumentNumber;
        var number = receipt.ReceiptNumber!.Value;
        if ((shift.OpenFiscalDocumentNumber ?? shift.Span?.From) is { } start && fd < start)
            return Contradiction($"Shift {shift.Number} starts at FD {start}; receipt FD {fd} cannot belong to it.");
        if (shift.CloseFiscalDocumentNumber is { } close && fd > close)
            return Contradiction($"Shift {shift.Number} was closed by FD {close}; receipt FD {fd} cannot belong to it.");
        if (shift.ReceiptNumbers.Contains(number))
            return Contradiction($"Receipt {number} of shift {shift.Number} was already received with another FD number.");
        if (shift.ReceiptCount is { } count && number > count)
            return Contradiction($"The Z-report of shift {shift.Number} counts {count} receipts; receipt {number} cannot belong to it.");
        return (shift with
        {
            ReceiptNumbers = shift.ReceiptNumbers.Add(number),
            FirstReceiptFiscalDocumentNumber = Math.Min(fd, shift.FirstReceiptFiscalDocumentNumber ?? fd),
            LastReceiptFiscalDocumentNumber = Math.Max(fd, shift.LastReceiptFiscalDocumentNumber ?? fd),
        }, null);
    }

    private static (DeviceShift?, DomainError?) Open(DeviceShift shift, DeviceDocument report)
    {
        var fd = report.FiscalDocumentNumber;
        if (shift.OpenFiscalDocumentNumber is { } opened)
            return Contradiction($"Shift {shift.Number} was opened by FD {opened}.");
        if (shift.Span is { } span && fd != span.From)
            return Contradiction($"The Z-report of shift {shift.Number} counts its documents from FD {span.From}; the opening report cannot be FD {fd}.");
        if (shift.FirstReceiptFiscalDocumentNumber is { } first && fd > first)
            return Contradiction($"Shift {shift.Number} has a receipt at FD {first}; its opening report cannot come after it.");
        return (shift with { OpenFiscalDocumentNumber = fd, OpenedAt = report.DateTime }, null);
    }

    private static (DeviceShift?, DomainError?) Close(DeviceShift shift, DeviceDocument report)
    {
        var fd = report.FiscalDocumentNumber;
        var receipts = report.ReceiptCount!.Value;
        var documents = report.DocumentCount!.Value;
        if (shift.CloseFiscalDocumentNumber is { } closed)
            return Contradiction($"Shift {shift.Number} was closed by FD {closed}.");
        if (shift.LastReceiptFiscalDocumentNumber is { } last && fd < last)
            return Contradiction($"Shift {shift.Number} has a receipt at FD {last}; its Z-report cannot come before it.");
        if (shift.ReceivedReceipts > receipts || shift.ReceiptNumbers.Max > receipts)
            return Contradiction($"Shift {shift.Number} already has receipts up to number {shift.ReceiptNumbers.Max}; a Z-report of {receipts} receipts cannot close it.");
        var from = fd - documents + 1;
        if (shift.OpenFiscalDocumentNumber is { } opened && from != opened)
            return Contradiction($"Shift {shift.Number} was opened by FD {opened}, so a Z-report at FD {fd} counts {fd - opened + 1} documents, not {documents}.");
        if (shift.FirstReceiptFiscalDocumentNumber is { } first && first < from)
            return Contradiction($"Shift {shift.Number} has a receipt at FD {first}, before the first of the {documents} documents its Z-report counts.");
        return (shift with
        {
            CloseFiscalDocumentNumber = fd, ClosedAt = report.DateTime, ReceiptCount = receipts, DocumentCount = documents,
        }, null);
    }

    /// <summary>A shift whose every document arrived is only remembered by number; the latest shift stays, as the register's current one.</summary>
    private static DeviceDriveState Compact(DeviceDriveState drive)
    {
        var shifts = drive.KnownShifts;
        if (shifts.Length < 2)
            return drive;
        var latest = shifts[^1].Number;
        var complete = shifts.Where(s => s.Number != latest && s.ReceiptCount is { } count && s.ReceivedReceipts == count
            && s.Span is { } span && drive.Received.ContainsAll(span.From, span.To)).ToList();
        if (complete.Count == 0)
            return drive;
        var completed = complete.Aggregate(drive.CompletedShifts, (set, s) => set.Add(s.Number));
        return drive with { Shifts = shifts.RemoveRange(complete), CompletedShifts = completed };
    }

    private static DomainError? CheckQr(string printed, FiscalQr expected, string field)
    {
        var (qr, error) = FiscalQr.Parse(printed);
        if (error is not null)
            return new DomainError(ErrorCodes.ValidationFailed, error.Detail, field);
        var minute = expected.LocalTime.AddTicks(-(expected.LocalTime.Ticks % TimeSpan.TicksPerMinute));
        var disagreement =
            qr!.Sum != expected.Sum ? $"s={qr.Sum:0.00}, the receipt's total is {expected.Sum:0.00}"
            : qr.FnSerial != expected.FnSerial ? $"fn={qr.FnSerial}, the receipt's FN is {expected.FnSerial}"
            : qr.FiscalDocumentNumber != expected.FiscalDocumentNumber ? $"i={qr.FiscalDocumentNumber}, the receipt's FD is {expected.FiscalDocumentNumber}"
            : qr.FiscalSign != expected.FiscalSign ? $"fp={qr.FiscalSign}, the receipt's fiscal sign is {expected.FiscalSign}"
            : qr.Operation != expected.Operation ? $"n={(int)qr.Operation}, the receipt's operation is {(int)expected.Operation}"
            // The code carries minutes, seconds optionally.
            : qr.LocalTime != expected.LocalTime && qr.LocalTime != minute ? $"t={qr.LocalTime:yyyyMMdd'T'HHmmss}, the receipt's local time is {expected.LocalTime:yyyyMMdd'T'HHmmss}"
            : null;
        return disagreement is null ? null : new DomainError(ErrorCodes.ValidationFailed, $"The QR code disagrees with the receipt: {disagreement}.", field);
    }

    private static bool SameVat(ImmutableArray<VatAmount> reported, ImmutableArray<VatAmount> computed) =>
        reported.Length == computed.Length && reported.All(r => computed.Any(c => c.Rate == r.Rate && c.Amount == r.Amount));

    private static string Describe(ImmutableArray<VatAmount> vat) =>
        string.Join(", ", vat.Select(v => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{v.Rate.ToApiName()} {v.Amount:0.00}")));

    private static (DeviceShift?, DomainError?) Contradiction(string detail) => (null, FiscalErrors.InvalidState(detail));
}
