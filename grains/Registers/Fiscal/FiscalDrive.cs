using System.Collections.Immutable;
using System.Numerics;
using Retail.Common;
using Inn = Retail.Catalog.Inn;

namespace Retail.Registers.Fiscal;

/// <summary>
/// The emulated fiscal drive (ФН) as a pure state machine over <see cref="FiscalDriveState"/>.
/// Each command takes the state and the current time and returns the new state with the signed
/// document, or the unchanged state with a refusal. Every document is produced by building it,
/// signing it and then <see cref="Apply"/>ing it, so replaying stored documents through
/// <see cref="Apply"/> rebuilds exactly the state the commands left.
/// </summary>
public static class FiscalDrive
{
    /// <summary>Tag 1209: 4 = FFD 1.2.</summary>
    public const int FfdVersion = 4;

    /// <summary>A shift lasts at most 24 hours; afterwards only closing it is allowed.</summary>
    public static readonly TimeSpan MaxShiftDuration = TimeSpan.FromHours(24);

    /// <summary>A drive stops signing once a document has waited longer than this for the OFD.</summary>
    public static readonly TimeSpan OfdDeliveryLimit = TimeSpan.FromDays(30);

    /// <summary>Tag 1021 (cashier) and tag 1008 (buyer's phone or e-mail) hold up to 64 characters.</summary>
    public const int MaxCashierNameLength = 64;
    public const int MaxCustomerContactLength = 64;

    /// <summary>Tag 1179 (number of the tax service's order) holds up to 32 characters.</summary>
    public const int MaxOrderNumberLength = 32;

    private const TaxationSystem AllTaxationSystems =
        TaxationSystem.Osn | TaxationSystem.UsnIncome | TaxationSystem.UsnIncomeOutcome | TaxationSystem.Esn | TaxationSystem.Patent;

    /// <summary>Registers a new drive: the registration report is FD 1. There is no state before it.</summary>
    public static (FiscalDriveState? State, RegistrationReport? Report, DomainError? Error) Register(
        FiscalRegistration registration, FiscalDriveIdentity identity, DateTimeOffset now)
    {
        if (!Identifiers.IsValidKey(registration.RegisterId))
            return Refuse(new DomainError(ErrorCodes.ValidationFailed, "A register id is 1 to 128 letters, digits or ._:- characters.", "registerId"));
        if (!Inn.IsValid(registration.UserInn))
            return Refuse(new DomainError(ErrorCodes.ValidationFailed, "The user's INN (tag 1018) is 10 or 12 digits with valid check digits.", "inn"));
        if (registration.TaxationSystems == 0 || (registration.TaxationSystems & ~AllTaxationSystems) != 0)
            return Refuse(new DomainError(ErrorCodes.ValidationFailed, "Name at least one taxation system: osn, usn_income, usn_income_outcome, esn, patent.", "taxationSystem"));
        if (!TryFindZone(registration.TimeZoneId, out var zone))
            return Refuse(new DomainError(ErrorCodes.ValidationFailed, $"'{registration.TimeZoneId}' is not a known IANA time zone.", "timeZone"));
        if (!identity.IsWellFormed())
            return Refuse(new DomainError(ErrorCodes.ValidationFailed, "An FN serial and a registration number are 16 digits, and a drive needs a signing key of 16 bytes or more.", "identity"));

        var at = Truncate(TimeZoneInfo.ConvertTime(now, zone));
        var header = new FiscalDocumentHeader(FiscalDocumentForm.RegistrationReport, identity.FnSerial, identity.RegistrationNumber, 1, 0, at, 0);
        var report = Sign(identity, new RegistrationReport(header, registration.RegisterId, registration.UserInn,
            registration.TaxationSystems, FfdVersion, registration.TimeZoneId));
        var state = new FiscalDriveState(registration.RegisterId, identity, registration.UserInn, registration.TaxationSystems,
            registration.TimeZoneId, 1, at, null, [new OfdOutboxEntry(1, at)]);
        return (state, report, null);

        static (FiscalDriveState?, RegistrationReport?, DomainError?) Refuse(DomainError e) => (null, null, e);
    }

    /// <summary>Form 2. Refused with <c>shift_already_open</c> while the latest shift is open, expired or not.</summary>
    public static (FiscalDriveState State, ShiftOpenReport? Report, DomainError? Error) OpenShift(
        FiscalDriveState state, Cashier cashier, DateTimeOffset now)
    {
        if (CheckCashier(cashier, required: true) is { } invalid)
            return (state, null, invalid);
        if (state.Shift is { IsOpen: true } open)
            return (state, null, FiscalErrors.ShiftAlreadyOpen(open.Number));

        var report = Sign(state.Identity, new ShiftOpenReport(NextHeader(state, FiscalDocumentForm.ShiftOpenReport, state.ShiftNumber + 1, now), cashier));
        return (Apply(state, report), report, null);
    }

    /// <summary>Form 5, the Z-report. Allowed after the 24 hours have run out; refused with <c>shift_not_open</c> otherwise.</summary>
    public static (FiscalDriveState State, ShiftCloseReport? Report, DomainError? Error) CloseShift(
        FiscalDriveState state, Cashier? cashier, DateTimeOffset now)
    {
        if (CheckCashier(cashier, required: false) is { } invalid)
            return (state, null, invalid);
        if (state.Shift is not { IsOpen: true } shift)
            return (state, null, FiscalErrors.ShiftNotOpen());

        var header = NextHeader(state, FiscalDocumentForm.ShiftCloseReport, shift.Number, now);
        var report = Sign(state.Identity, new ShiftCloseReport(header, cashier ?? shift.Cashier, shift.ReceiptCount,
            shift.DocumentCount + 1, shift.Totals, Backlog(state, header.DateTime), shift.OpenedAt));
        return (Apply(state, report), report, null);
    }

    /// <summary>Form 21, the current-state report. Always allowed.</summary>
    public static (FiscalDriveState State, StateReport? Report, DomainError? Error) ReportState(FiscalDriveState state, DateTimeOffset now)
    {
        var header = NextHeader(state, FiscalDocumentForm.StateReport, state.ShiftNumber, now);
        var report = Sign(state.Identity, new StateReport(header, state.ShiftIsOpen,
            IsShiftExpired(state, header.DateTime), Backlog(state, header.DateTime)));
        return (Apply(state, report), report, null);
    }

    /// <summary>
    /// Form 3, a sale or a refund. The request is checked first (<c>validation_failed</c>,
    /// <c>unsupported_vat_rate</c>, <c>payment_mismatch</c>), then the drive
    /// (<c>shift_not_open</c>, <c>shift_expired</c>, <c>ofd_blocked</c>).
    /// </summary>
    public static (FiscalDriveState State, FiscalReceipt? Receipt, DomainError? Error) Fiscalize(
        FiscalDriveState state, ReceiptRequest request, DateTimeOffset now)
    {
        var header = NextHeader(state, FiscalDocumentForm.Receipt, state.ShiftNumber, now);
        var (calculation, error) = ReceiptCalculator.Calculate(request.Operation, request.Items.IsDefault ? [] : request.Items,
            request.Payments.IsDefault ? [] : request.Payments, DateOnly.FromDateTime(header.DateTime.DateTime));
        return error is not null
            ? (state, null, error)
            : SignReceipt(state, header, request.Operation, request.TaxationSystem, calculation!, request.CustomerContact, correction: null);
    }

    /// <summary>
    /// Form 31, a correction receipt. VAT rates are those in force on the corrected settlement's
    /// date (1178), which may not lie in the future. A correction records a past settlement as it
    /// was, so its payments equal its total (no change). Same drive rules as a receipt.
    /// </summary>
    public static (FiscalDriveState State, FiscalReceipt? Receipt, DomainError? Error) FiscalizeCorrection(
        FiscalDriveState state, CorrectionRequest request, DateTimeOffset now)
    {
        var header = NextHeader(state, FiscalDocumentForm.CorrectionReceipt, state.ShiftNumber, now);
        var basis = request.Basis;
        if (basis is null)
            return (state, null, new DomainError(ErrorCodes.ValidationFailed, "A correction receipt names what it corrects.", "correction"));
        if (!Enum.IsDefined(basis.Type))
            return (state, null, new DomainError(ErrorCodes.ValidationFailed, "A correction is self-initiated or by order (tag 1173).", "correction.type"));
        if (basis.SettlementDate > DateOnly.FromDateTime(header.DateTime.DateTime))
            return (state, null, new DomainError(ErrorCodes.ValidationFailed, "A correction fixes a settlement that already happened.", "correction.settlementDate"));
        if (basis.Type == CorrectionType.ByOrder && string.IsNullOrWhiteSpace(basis.OrderNumber))
            return (state, null, new DomainError(ErrorCodes.ValidationFailed, "A correction by order carries the order's number (tag 1179).", "correction.orderNumber"));
        if (basis.OrderNumber is { } number && (number.Length > MaxOrderNumberLength || number.Any(char.IsControl)))
            return (state, null, new DomainError(ErrorCodes.ValidationFailed, $"An order number is at most {MaxOrderNumberLength} printable characters.", "correction.orderNumber"));

        var (calculation, error) = ReceiptCalculator.Calculate(request.Operation, request.Items.IsDefault ? [] : request.Items,
            request.Payments.IsDefault ? [] : request.Payments, basis.SettlementDate);
        if (error is not null)
            return (state, null, error);
        if (calculation!.Change != 0)
            return (state, null, FiscalErrors.PaymentMismatch($"A correction's payments equal its total {calculation.Total:0.00}; it gives no change."));
        return SignReceipt(state, header, request.Operation, request.TaxationSystem, calculation, customerContact: null, basis);
    }

    /// <summary>
    /// The OFD acknowledged every document up to and including <paramref name="upToFiscalDocumentNumber"/>.
    /// Repeating an acknowledgement is harmless; acknowledging a number the drive never issued is refused.
    /// </summary>
    public static (FiscalDriveState State, OfdConfirmation? Confirmation, DomainError? Error) Confirm(
        FiscalDriveState state, long upToFiscalDocumentNumber, DateTimeOffset now)
    {
        if (upToFiscalDocumentNumber < 1 || upToFiscalDocumentNumber > state.LastFiscalDocumentNumber)
            return (state, null, new DomainError(ErrorCodes.ValidationFailed, $"The drive has issued fiscal documents 1 to {state.LastFiscalDocumentNumber}.", "fiscalDocumentNumber"));
        return Confirmed(state, Outbox(state).RemoveAll(e => e.FiscalDocumentNumber <= upToFiscalDocumentNumber), now);
    }

    /// <summary>The OFD acknowledged these documents (in any order, gaps allowed).</summary>
    public static (FiscalDriveState State, OfdConfirmation? Confirmation, DomainError? Error) Confirm(
        FiscalDriveState state, IReadOnlyCollection<long> fiscalDocumentNumbers, DateTimeOffset now)
    {
        foreach (var n in fiscalDocumentNumbers)
        {
            if (n < 1 || n > state.LastFiscalDocumentNumber)
                return (state, null, new DomainError(ErrorCodes.ValidationFailed, $"Fiscal document {n} was never issued; the drive has issued 1 to {state.LastFiscalDocumentNumber}.", "fiscalDocumentNumbers"));
        }
        var confirmed = fiscalDocumentNumbers.ToHashSet();
        return Confirmed(state, Outbox(state).RemoveAll(e => confirmed.Contains(e.FiscalDocumentNumber)), now);
    }

    /// <summary>The OFD outbox at <paramref name="now"/>; blocked once the oldest entry is more than 30 days old.</summary>
    public static OfdBacklog Backlog(FiscalDriveState state, DateTimeOffset now)
    {
        var outbox = Outbox(state);
        if (outbox.IsEmpty)
            return new OfdBacklog(0, null, null, false);
        var first = outbox[0];
        return new OfdBacklog(outbox.Length, first.DateTime, first.FiscalDocumentNumber, now - first.DateTime > OfdDeliveryLimit);
    }

    /// <summary>Whether the open shift has run for more than 24 hours at <paramref name="now"/>.</summary>
    public static bool IsShiftExpired(FiscalDriveState state, DateTimeOffset now) =>
        state.Shift is { IsOpen: true } shift && now - shift.OpenedAt > MaxShiftDuration;

    public static FiscalDriveStatus Status(FiscalDriveState state, DateTimeOffset now)
    {
        var shift = state.Shift is { } s
            ? new ShiftStatus(s.Number, s.IsOpen, s.OpenedAt, s.ReceiptCount, IsShiftExpired(state, now))
            : new ShiftStatus(0, false, null, 0, false);
        return new FiscalDriveStatus(state.Identity.FnSerial, state.Identity.RegistrationNumber,
            state.LastFiscalDocumentNumber, shift, Backlog(state, now));
    }

    /// <summary>Whether the document was signed by this drive and is unaltered.</summary>
    public static bool Verify(FiscalDriveState state, IFiscalDocument document) =>
        document.Header.FnSerial == state.Identity.FnSerial &&
        state.Identity.KeyBytes() is { } key &&
        FiscalSign.Compute(key, CanonicalDocument.ToBytes(document)) == document.Header.FiscalSign;

    /// <summary>
    /// The state after a document this drive signed. The next document in sequence moves the state;
    /// one already covered by the state (a replay overlapping the snapshot) leaves it as it is; a gap
    /// in the numbering means lost documents and throws.
    /// </summary>
    public static FiscalDriveState Apply(FiscalDriveState state, IFiscalDocument document)
    {
        var h = document.Header;
        if (h.FiscalDocumentNumber <= state.LastFiscalDocumentNumber)
            return state;
        if (h.FiscalDocumentNumber != state.LastFiscalDocumentNumber + 1)
            throw new InvalidOperationException(
                $"Register {state.RegisterId} is at FD {state.LastFiscalDocumentNumber}; FD {h.FiscalDocumentNumber} cannot follow it.");

        var next = state with
        {
            LastFiscalDocumentNumber = h.FiscalDocumentNumber,
            LastDocumentAt = h.DateTime,
            OfdOutbox = Outbox(state).Add(new OfdOutboxEntry(h.FiscalDocumentNumber, h.DateTime)),
        };
        return document switch
        {
            ShiftOpenReport r => next with { Shift = new Shift(h.ShiftNumber, h.DateTime, null, 0, 1, ShiftTotals.Zero, r.Cashier) },
            ShiftCloseReport => next with { Shift = OpenShiftOf(state, h) with { ClosedAt = h.DateTime, DocumentCount = state.Shift!.DocumentCount + 1 } },
            StateReport => state.Shift is { IsOpen: true } s ? next with { Shift = s with { DocumentCount = s.DocumentCount + 1 } } : next,
            FiscalReceipt r => next with { Shift = Count(OpenShiftOf(state, h), r) },
            _ => throw new InvalidOperationException($"{document.GetType().Name} cannot be applied to a registered drive."),
        };
    }

    private static Shift OpenShiftOf(FiscalDriveState state, FiscalDocumentHeader h) =>
        state.Shift is { IsOpen: true } s && s.Number == h.ShiftNumber
            ? s
            : throw new InvalidOperationException($"FD {h.FiscalDocumentNumber} belongs to shift {h.ShiftNumber}, which is not open.");

    private static Shift Count(Shift shift, FiscalReceipt receipt)
    {
        var t = shift.Totals;
        var totals = receipt.Operation == FiscalOperation.SellRefund
            ? t with { SellRefund = t.SellRefund + receipt.Total, SellRefundCount = t.SellRefundCount + 1 }
            : t with { Sell = t.Sell + receipt.Total, SellCount = t.SellCount + 1 };
        if (receipt.Correction is not null)
            totals = totals with { CorrectionCount = totals.CorrectionCount + 1 };
        return shift with { ReceiptCount = receipt.ReceiptNumber, DocumentCount = shift.DocumentCount + 1, Totals = totals };
    }

    private static (FiscalDriveState, FiscalReceipt?, DomainError?) SignReceipt(FiscalDriveState state, FiscalDocumentHeader header,
        FiscalOperation operation, TaxationSystem? requestedSystem, ReceiptCalculation calculation, string? customerContact, CorrectionBasis? correction)
    {
        var (system, systemError) = ResolveTaxationSystem(state, requestedSystem);
        if (systemError is not null)
            return (state, null, systemError);
        if (CheckCustomerContact(customerContact) is { } contactError)
            return (state, null, contactError);

        if (state.Shift is not { IsOpen: true } shift)
            return (state, null, FiscalErrors.ShiftNotOpen());
        if (IsShiftExpired(state, header.DateTime))
            return (state, null, FiscalErrors.ShiftExpired(shift.Number, shift.OpenedAt));
        if (Backlog(state, header.DateTime) is { Blocked: true } backlog)
            return (state, null, FiscalErrors.OfdBlocked(backlog.FirstUnconfirmedNumber!.Value, backlog.FirstUnconfirmedAt!.Value));

        var unsigned = new FiscalReceipt(header, shift.ReceiptCount + 1, operation, system, calculation.Lines, calculation.Total,
            calculation.Vat, calculation.Payments, calculation.Change, customerContact, correction, Qr: "");
        var signed = Sign(state.Identity, unsigned);
        var qr = new FiscalQr(header.DateTime.DateTime, signed.Total, header.FnSerial, header.FiscalDocumentNumber,
            signed.Header.FiscalSign, operation);
        var receipt = signed with { Qr = qr.ToQrString() };
        return (Apply(state, receipt), receipt, null);
    }

    /// <summary>Tag 1055 on a receipt is exactly one of the systems the register was registered with.</summary>
    private static (TaxationSystem, DomainError?) ResolveTaxationSystem(FiscalDriveState state, TaxationSystem? requested)
    {
        if (requested is { } one)
        {
            return BitOperations.IsPow2((uint)one) && (state.TaxationSystems & one) == one
                ? (one, null)
                : (default, new DomainError(ErrorCodes.ValidationFailed, $"The register is registered for {state.TaxationSystems}; a receipt names one of them.", "taxationSystem"));
        }
        return BitOperations.IsPow2((uint)state.TaxationSystems)
            ? (state.TaxationSystems, null)
            : (default, new DomainError(ErrorCodes.ValidationFailed, $"The register is registered for {state.TaxationSystems}; name the one this receipt uses.", "taxationSystem"));
    }

    /// <summary>Tag 1008, the buyer's phone or e-mail, when the receipt carries one.</summary>
    public static DomainError? CheckCustomerContact(string? customerContact) =>
        customerContact is not null && (string.IsNullOrWhiteSpace(customerContact) || customerContact.Length > MaxCustomerContactLength || customerContact.Any(char.IsControl))
            ? new DomainError(ErrorCodes.ValidationFailed, $"A buyer's phone or e-mail is 1 to {MaxCustomerContactLength} printable characters.", "customer")
            : null;

    private static DomainError? CheckCashier(Cashier? cashier, bool required)
    {
        if (cashier is null)
            return required ? new DomainError(ErrorCodes.ValidationFailed, "Name the cashier (tag 1021).", "cashier") : null;
        if (string.IsNullOrWhiteSpace(cashier.Name) || cashier.Name.Length > MaxCashierNameLength || cashier.Name.Any(char.IsControl))
            return new DomainError(ErrorCodes.ValidationFailed, $"A cashier's name is 1 to {MaxCashierNameLength} printable characters.", "cashier.name");
        if (cashier.Inn is not null && !Inn.IsValid(cashier.Inn))
            return new DomainError(ErrorCodes.ValidationFailed, "The cashier's INN (tag 1203) is 12 digits with valid check digits.", "cashier.inn");
        return null;
    }

    private static (FiscalDriveState, OfdConfirmation?, DomainError?) Confirmed(
        FiscalDriveState state, ImmutableArray<OfdOutboxEntry> remaining, DateTimeOffset now)
    {
        var next = state with { OfdOutbox = remaining };
        return (next, new OfdConfirmation(Outbox(state).Length - remaining.Length, Backlog(next, now)), null);
    }

    /// <summary>
    /// The header of the next document: the next FD number, and the store's local time in whole
    /// seconds (tag 1012 has no fractions). A drive's documents never go back in time, so a clock
    /// that went backwards (a failover to a silo a little behind) yields the previous document's time.
    /// </summary>
    private static FiscalDocumentHeader NextHeader(FiscalDriveState state, FiscalDocumentForm form, int shiftNumber, DateTimeOffset now)
    {
        var zone = TryFindZone(state.TimeZoneId, out var z) ? z
            : throw new InvalidOperationException($"Register {state.RegisterId}: time zone '{state.TimeZoneId}' is not known on this machine.");
        var at = now < state.LastDocumentAt ? state.LastDocumentAt : now;
        return new FiscalDocumentHeader(form, state.Identity.FnSerial, state.Identity.RegistrationNumber,
            state.LastFiscalDocumentNumber + 1, shiftNumber, Truncate(TimeZoneInfo.ConvertTime(at, zone)), 0);
    }

    private static T Sign<T>(FiscalDriveIdentity identity, T document) where T : IFiscalDocument
    {
        var key = identity.KeyBytes() ?? throw new InvalidOperationException("The drive's signing key is not valid base64.");
        var sign = FiscalSign.Compute(key, CanonicalDocument.ToBytes(document));
        return document switch
        {
            RegistrationReport r => (T)(IFiscalDocument)(r with { Header = r.Header with { FiscalSign = sign } }),
            ShiftOpenReport r => (T)(IFiscalDocument)(r with { Header = r.Header with { FiscalSign = sign } }),
            ShiftCloseReport r => (T)(IFiscalDocument)(r with { Header = r.Header with { FiscalSign = sign } }),
            StateReport r => (T)(IFiscalDocument)(r with { Header = r.Header with { FiscalSign = sign } }),
            FiscalReceipt r => (T)(IFiscalDocument)(r with { Header = r.Header with { FiscalSign = sign } }),
            _ => throw new ArgumentException($"Cannot sign {document.GetType().Name}.", nameof(document)),
        };
    }

    /// <summary>The store's zone by its IANA id; UTC (and false) when the id is not known here.</summary>
    public static bool TryFindZone(string? id, out TimeZoneInfo zone)
    {
        if (!string.IsNullOrWhiteSpace(id) && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var found))
        {
            zone = found;
            return true;
        }
        zone = TimeZoneInfo.Utc;
        return false;
    }

    /// <summary>Entries in FD order; a state read from storage without the list has an empty outbox.</summary>
    private static ImmutableArray<OfdOutboxEntry> Outbox(FiscalDriveState state) => state.OfdOutbox.IsDefault ? [] : state.OfdOutbox;

    /// <summary>Tag 1012 has whole seconds.</summary>
    public static DateTimeOffset Truncate(DateTimeOffset t) => new(t.Ticks - t.Ticks % TimeSpan.TicksPerSecond, t.Offset);
}
