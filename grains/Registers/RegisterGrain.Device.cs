using System.Collections.Immutable;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Orleans.Streams;
using Retail.Catalog;
using Retail.Common;
using Retail.Hosting;
using Retail.Ledger;
using Retail.Registers.Fiscal;

namespace Retail.Registers;

/// <summary>
/// A register with a physical fiscal drive: the drive numbers and signs, the till reports its
/// documents later, in bursts and in any order. Each receipt is checked as an emulated one is and
/// applied once, keyed by FN and FD number; the FD numbers never received are the register's gaps.
/// </summary>
public sealed partial class RegisterGrain
{
    /// <summary>Register events (<see cref="RegisterGapDetected"/>), one stream per store.</summary>
    public const string EventsStream = "register-events";

    public async Task<Outcome<RegisterView>> RegisterDeviceAsync(DeviceRegistration registration) => await ListedAsync(await RegisterPhysicalAsync(registration));

    private async Task<Outcome<RegisterView>> RegisterPhysicalAsync(DeviceRegistration registration)
    {
        if (!Identifiers.IsValidKey(registration.StoreId))
            return new DomainError(ErrorCodes.ValidationFailed, "A store id is 1 to 128 letters, digits or ._:- characters.", "storeId");
        if (state is not null)
        {
            if (state.StoreId != registration.StoreId)
                return OtherStore();
            if (state.Device is not { } device)
                return OtherMode(RegisterModes.Device);
            var (replaced, changed, refused) = DeviceDrive.Reregister(
                device, registration.FnSerial, registration.RegistrationNumber, registration.FirstFiscalDocumentNumber, clock.GetUtcNow());
            if (refused is not null)
                return refused;
            if (!changed)
                return Outcome<RegisterView>.Ok(View(), replayed: true);
            if (Refusal(await JournalAsync(JournalKinds.FnReplacement, null, null, null, registration, state with { Device = replaced })) is { } failed)
                return failed;
            logger.LogInformation("Register {RegisterId}: FN {Old} replaced by FN {New}", RegisterId, device.Current.FnSerial, registration.FnSerial);
            return Outcome<RegisterView>.Ok(View());
        }

        var store = await GrainFactory.Get<IStoreGrain>(GrainKeys.Store(registration.StoreId)).GetAsync();
        if (store is null)
            return new DomainError(ErrorCodes.UnknownStore, $"Store {registration.StoreId} is not known.", "storeId");
        var (registered, error) = DeviceDrive.Register(registration.FnSerial, registration.RegistrationNumber, registration.FirstFiscalDocumentNumber,
            store.Inn, store.TaxationSystem, store.TimeZone, clock.GetUtcNow());
        if (error is not null)
            return error;
        if (Refusal(await JournalAsync(JournalKinds.Registration, null, null, null, registration,
                new RegisterState(registration.StoreId, RegisterModes.Device, null, OfdReachable: true, registered))) is { } notJournaled)
            return notJournaled;
        return Outcome<RegisterView>.Ok(View());
    }

    /// <summary>
    /// A burst of device receipts: each run of new receipts is checked one after another on the state the
    /// ones before it leave, then journaled in one step (one transaction for the run's entries and stock);
    /// any other receipt (a repeat, a refusal) and a run whose step did not commit are answered one by one,
    /// exactly as if each had been posted alone.
    /// </summary>
    public async Task<IReadOnlyList<Outcome<ReceiptDocument>>> AcceptFiscalizedReceiptsAsync(IReadOnlyList<FiscalizedReceipt> receipts)
    {
        var outcomes = new Outcome<ReceiptDocument>[receipts.Count];
        var run = new List<(int Index, DeviceReceipt Receipt, long Started)>();
        var skus = new Dictionary<string, Sku?>(StringComparer.Ordinal);
        for (var i = 0; i < receipts.Count; i++)
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var (input, fiscal) = (receipts[i].Receipt, receipts[i].Fiscal);
            var (ready, _) = run.Any(r => r.Receipt.Id == input.Id)
                ? (null, null)
                : await CheckDeviceReceiptAsync(input, fiscal, run.Count == 0 ? state : run[^1].Receipt.Next, skus);
            if (ready is not null)
            {
                run.Add((i, ready, started));
                continue;
            }
            await JournalRunAsync(run, receipts, outcomes);
            outcomes[i] = await AcceptFiscalizedReceiptAsync(input, fiscal);
        }
        await JournalRunAsync(run, receipts, outcomes);
        return outcomes;
    }

    /// <summary>The run's receipts in one journaled step; one by one when it did not commit and answering each alone may tell them more.</summary>
    private async Task JournalRunAsync(List<(int Index, DeviceReceipt Receipt, long Started)> run, IReadOnlyList<FiscalizedReceipt> receipts,
        Outcome<ReceiptDocument>[] outcomes)
    {
        if (run.Count == 0)
            return;
        var (committed, result) = run.Count == 1 ? (null, null) : await CommitDeviceReceiptsAsync(run.Select(r => r.Receipt).ToList());
        for (var k = 0; k < run.Count; k++)
        {
            var (index, _, started) = run[k];
            if (committed is not null)
            {
                outcomes[index] = Outcome<ReceiptDocument>.Ok(committed[k]);
                metrics.Receipt(receipts[index].Receipt.Operation, "fiscalized", started);
            }
            // The register reloads (its journal knows better), or the database is away: each alone would end the same.
            // A stock grain that could not stage is one pair's trouble: the receipts not on it go through alone.
            else if (result is { Outcome: CommitOutcome.Unknown or CommitOutcome.JournalConflict } or { Outcome: CommitOutcome.Unavailable, Refusal: null })
            {
                outcomes[index] = Refusal(result)!;
                metrics.Receipt(receipts[index].Receipt.Operation, ErrorCodes.Unavailable, started);
            }
            else
                outcomes[index] = await AcceptFiscalizedReceiptAsync(receipts[index].Receipt, receipts[index].Fiscal);
        }
        run.Clear();
    }

    public async Task<Outcome<ReceiptDocument>> AcceptFiscalizedReceiptAsync(ReceiptInput input, DeviceFiscalData fiscal)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var outcome = await AcceptFiscalizedReceiptCoreAsync(input, fiscal);
        metrics.Receipt(input.Operation, outcome.Error?.Code ?? (outcome.Replayed ? "replayed" : "fiscalized"), started);
        return outcome;
    }

    private async Task<Outcome<ReceiptDocument>> AcceptFiscalizedReceiptCoreAsync(ReceiptInput input, DeviceFiscalData fiscal)
    {
        var (ready, refused) = await CheckDeviceReceiptAsync(input, fiscal, state);
        if (refused is not null)
            return refused;
        if (ready is null)
        {
            // A receipt the register has: its first answer.
            var fingerprint = DeviceFingerprint(input, fiscal);
            return recent.TryGetValue(input.Id, out var earlier)
                ? await ReplayAsync(earlier, recentFingerprints[input.Id], fingerprint)
                : await ReceivedReceiptAsync(input.Id, fiscal, fingerprint);
        }
        var outcome = await CommitReceiptAsync(ready.Id, ready.Fingerprint, ready.Fiscal, ready.Skus, ready.Next, ready.MovementKey,
            signedByDevice: true, gap: ready.Gap);
        if (outcome is { Error: null, Replayed: false } && ready.Gap is not null)
            await PublishGapAsync(ready.Gap);
        return outcome;
    }

    /// <summary>A device receipt checked on a register state, ready to journal, with the state after it.</summary>
    private sealed record DeviceReceipt(string Id, string Fingerprint, FiscalReceipt Fiscal, Dictionary<string, Sku> Skus, RegisterState Next,
        string MovementKey, RegisterGapDetected? Gap);

    /// <summary>
    /// Checks a device receipt on the register state <paramref name="on"/>: ready to journal, or refused, or
    /// neither (null, null) when the register has it already (by id, or by FN and FD number).
    /// </summary>
    private async Task<(DeviceReceipt? Ready, DomainError? Refused)> CheckDeviceReceiptAsync(ReceiptInput input, DeviceFiscalData fiscal, RegisterState? on,
        Dictionary<string, Sku?>? skus = null)
    {
        if (on is null)
            return (null, NotRegistered());
        if (on.Device is not { } device)
            return (null, new DomainError(ErrorCodes.InvalidState,
                $"Register {RegisterId} fiscalizes its receipts itself (an emulated drive); post them to receipts."));
        if (!Identifiers.IsValidClientId(input.Id))
            return (null, new DomainError(ErrorCodes.ValidationFailed, "A receipt id is 1 to 128 printable characters.", "id"));
        var (drive, vat, invalid) = CheckFiscalData(device, fiscal);
        if (invalid is not null)
            return (null, invalid);
        if (recent.ContainsKey(input.Id) || drive!.Received.Contains(fiscal.FiscalDocumentNumber))
            return (null, null);

        var document = new DeviceDocument(FiscalDocumentForm.Receipt, fiscal.FiscalDocumentNumber, fiscal.ShiftNumber, fiscal.DateTime,
            ReceiptNumber: fiscal.ReceiptNumber);
        var (accepted, gap, refused) = DeviceDrive.Accept(drive, document, "fiscal.");
        if (refused is not null)
            return (null, refused);
        var (request, known, unusable) = await PrepareAsync(input, skus);
        if (unusable is not null)
            return (null, unusable);
        var facts = new DeviceReceiptFacts(fiscal.FnSerial, drive.RegistrationNumber, fiscal.FiscalDocumentNumber, (uint)fiscal.FiscalSign,
            fiscal.ShiftNumber, fiscal.ReceiptNumber, fiscal.DateTime, fiscal.Qr, fiscal.Total, vat);
        var (receipt, error) = DeviceDrive.Receipt(facts, request!, device.TaxationSystem, device.TimeZoneId);
        if (error is not null)
            return (null, error);
        return (new DeviceReceipt(input.Id, DeviceFingerprint(input, fiscal), receipt!, known!, on with { Device = device.With(accepted) },
            $"fd:{fiscal.FnSerial}:{fiscal.FiscalDocumentNumber}", gap is null ? null : GapOf(fiscal.FnSerial, gap)), null);
    }

    /// <summary>
    /// Consecutive device receipts in one journaled step: their entries and stock in one transaction. Their
    /// documents in order, or null (with the step's result) when it did not commit: nothing of it then is the register's.
    /// </summary>
    private async Task<(IReadOnlyList<ReceiptDocument>? Committed, JournaledStep.Result Result)> CommitDeviceReceiptsAsync(
        IReadOnlyList<DeviceReceipt> run)
    {
        var journaled = run.Select(r => new JournaledReceipt(RegisterMapping.ToDocument(r.Fiscal, r.Id, RegisterId, r.Next.StoreId),
            PlanStock(r.Fiscal, r.Skus, r.Id, r.Next.StoreId, r.MovementKey, reservedByOrder: null), r.Gap)).ToList();
        var result = await JournalAsync(
            run.Select((r, k) => new Journaling(JournalKinds.Receipt, r.Id, r.Fingerprint, r.Fiscal.Header.FiscalDocumentNumber, journaled[k], r.Next,
                r.Fiscal.Header.FnSerial)).ToList(),
            journaled.SelectMany(j => j.Stock).ToList());
        if (result.Outcome != CommitOutcome.Committed)
            return (null, result);
        await JournaledAsync(run.Select((r, k) => (r.Id, r.Fingerprint, journaled[k])).ToList());
        foreach (var gap in run.Select(r => r.Gap).OfType<RegisterGapDetected>())
            await PublishGapAsync(gap);
        return (journaled.Select(j => j.Receipt).ToList(), result);
    }

    public async Task<Outcome<FiscalizedReport>> AcceptFiscalizedReportAsync(FiscalizedReport report)
    {
        if (state is null)
            return NotRegistered();
        if (state.Device is not { } device)
            return new DomainError(ErrorCodes.InvalidState, $"Register {RegisterId} opens and closes its shifts itself (an emulated drive).");
        if (report.Form is not ((int)FiscalDocumentForm.ShiftOpenReport or (int)FiscalDocumentForm.ShiftCloseReport or (int)FiscalDocumentForm.StateReport))
            return new DomainError(ErrorCodes.ValidationFailed, "A report is form 2 (shift open), 5 (shift close) or 21 (current state).", "form");
        if (report.FiscalSign is < 0 or > uint.MaxValue)
            return new DomainError(ErrorCodes.ValidationFailed, $"A fiscal sign (tag 1077) is 0 to {uint.MaxValue}.", "fiscalSign");
        var document = new DeviceDocument((FiscalDocumentForm)report.Form, report.FiscalDocumentNumber, report.ShiftNumber,
            LocalTime(device, report.DateTime), ReceiptCount: report.ReceiptCount, DocumentCount: report.DocumentCount);
        if (DeviceDrive.CheckDocument(document) is { } invalid)
            return invalid;
        if (FindDrive(device, report.FnSerial) is not { } drive)
            return UnknownFn(device, report.FnSerial, "fnSerial");

        var normalized = report with { DateTime = document.DateTime };
        var fingerprint = Hash(string.Join('|', "report", report.FnSerial, report.Form, report.FiscalDocumentNumber, report.FiscalSign,
            report.ShiftNumber, document.DateTime.UtcTicks, report.ReceiptCount, report.DocumentCount));
        if (drive.Received.Contains(report.FiscalDocumentNumber))
        {
            var first = await journal.FindAsync(RegisterId, report.FnSerial, report.FiscalDocumentNumber);
            return first is { ClientId: null } && first.Fingerprint == fingerprint
                ? Outcome<FiscalizedReport>.Ok(JsonSerializer.Deserialize<FiscalizedReport>(first.Document, Json)!, replayed: true)
                : TakenFiscalDocument(report.FnSerial, report.FiscalDocumentNumber, first, "fiscalDocumentNumber");
        }

        var (accepted, gap, refused) = DeviceDrive.Accept(drive, document);
        if (refused is not null)
            return refused;
        var kind = document.Form switch
        {
            FiscalDocumentForm.ShiftOpenReport => JournalKinds.ShiftOpen,
            FiscalDocumentForm.ShiftCloseReport => JournalKinds.ShiftClose,
            _ => JournalKinds.StateReport,
        };
        // The gap a report revealed is journaled with it (the webhook feed reads it there), beside the report's own fields.
        var detected = gap is null ? null : GapOf(report.FnSerial, gap);
        var entry = JsonSerializer.SerializeToNode(normalized, Json)!;
        if (detected is not null)
            entry["gap"] = JsonSerializer.SerializeToNode(detected, Json);
        if (Refusal(await JournalAsync(kind, null, fingerprint, report.FiscalDocumentNumber, entry, state with { Device = device.With(accepted) },
                report.FnSerial)) is { } failed)
            return failed;
        if (detected is not null)
            await PublishGapAsync(detected);
        return Outcome<FiscalizedReport>.Ok(normalized);
    }

    public Task<RegisterGaps?> GetGapsAsync()
    {
        if (state is null)
            return Task.FromResult<RegisterGaps?>(null);
        if (state.Device is { } device)
            return Task.FromResult<RegisterGaps?>(RegisterMapping.ToGaps(device, RegisterId, state.StoreId));
        // The emulated drive numbers every document itself, in order: it never has a gap.
        var drive = state.Drive!;
        return Task.FromResult<RegisterGaps?>(new RegisterGaps(RegisterId, state.StoreId, RegisterModes.Emulated, 0,
            [new FiscalDriveGaps(drive.Identity.FnSerial, true, 1, drive.LastFiscalDocumentNumber, 0, [], [], null)]));
    }

    /// <summary>The fiscal block's own form, then its FN: the current one or an earlier FN of this register, whose late receipts still count.</summary>
    private (DeviceDriveState? Drive, ImmutableArray<VatAmount>? Vat, DomainError? Error) CheckFiscalData(DeviceRegisterState device, DeviceFiscalData? fiscal)
    {
        if (fiscal is null)
            return Refuse(new DomainError(ErrorCodes.ValidationFailed, "A fiscalized receipt carries what the drive printed.", "fiscal"));
        if (fiscal.FiscalSign is < 0 or > uint.MaxValue)
            return Refuse(new DomainError(ErrorCodes.ValidationFailed, $"A fiscal sign (tag 1077) is 0 to {uint.MaxValue}.", "fiscal.fiscalSign"));
        if (DeviceDrive.CheckDocument(new DeviceDocument(FiscalDocumentForm.Receipt, fiscal.FiscalDocumentNumber, fiscal.ShiftNumber,
                fiscal.DateTime, ReceiptNumber: fiscal.ReceiptNumber), "fiscal.") is { } invalid)
            return Refuse(invalid);
        if (fiscal.Qr is { Length: 0 or > 256 })
            return Refuse(new DomainError(ErrorCodes.ValidationFailed, "A receipt QR string is 1 to 256 characters.", "fiscal.qr"));
        ImmutableArray<VatAmount>? vat = null;
        if (fiscal.Vat is { } lines)
        {
            var builder = ImmutableArray.CreateBuilder<VatAmount>(lines.Count);
            for (var i = 0; i < lines.Count; i++)
            {
                if (lines[i] is null || !ApiNames.TryParseApiName<VatRate>(lines[i].Rate, out var rate))
                    return Refuse(new DomainError(ErrorCodes.ValidationFailed, "A VAT rate is one of vat22, vat10, vat0, none, vat5, vat7, vat122, vat110, vat105, vat107, vat20, vat120.", $"fiscal.vat[{i}].rate"));
                builder.Add(new VatAmount(rate, lines[i].Amount));
            }
            vat = builder.MoveToImmutable();
        }
        return FindDrive(device, fiscal.FnSerial) is { } drive
            ? (drive, vat, null)
            : Refuse(UnknownFn(device, fiscal.FnSerial, "fiscal.fnSerial"));

        static (DeviceDriveState?, ImmutableArray<VatAmount>?, DomainError?) Refuse(DomainError error) => (null, null, error);
    }

    private static DeviceDriveState? FindDrive(DeviceRegisterState device, string? fnSerial) =>
        FiscalDriveIdentity.IsSixteenDigits(fnSerial) ? device.Find(fnSerial!) : null;

    private DomainError UnknownFn(DeviceRegisterState device, string? fnSerial, string field) =>
        FiscalDriveIdentity.IsSixteenDigits(fnSerial)
            ? new(ErrorCodes.ValidationFailed, $"FN {fnSerial} is not a drive of register {RegisterId}; its FN is {device.Current.FnSerial}.", field)
            : new(ErrorCodes.ValidationFailed, "An FN serial (tag 1041) is 16 digits.", field);

    /// <summary>An FD number already received: the same receipt again is a repeat; anything else claiming that number is a conflict.</summary>
    private async Task<Outcome<ReceiptDocument>> ReceivedReceiptAsync(string receiptId, DeviceFiscalData fiscal, string fingerprint)
    {
        var first = await journal.FindAsync(RegisterId, fiscal.FnSerial, fiscal.FiscalDocumentNumber);
        if (first is { Kind: JournalKinds.Receipt } && first.ClientId == receiptId && first.Fingerprint == fingerprint)
            return await ReplayAsync(JsonSerializer.Deserialize<JournaledReceipt>(first.Document, Json)!, first.Fingerprint, fingerprint);
        return TakenFiscalDocument(fiscal.FnSerial, fiscal.FiscalDocumentNumber, first, "fiscal.fiscalDocumentNumber");
    }

    private static DomainError TakenFiscalDocument(string fnSerial, long fiscalDocumentNumber, JournalEntry? first, string field) =>
        new(ErrorCodes.IdempotencyConflict, first switch
        {
            { Kind: JournalKinds.Receipt } => $"FD {fiscalDocumentNumber} of FN {fnSerial} was already received as receipt {first.ClientId}, with other content.",
            not null => $"FD {fiscalDocumentNumber} of FN {fnSerial} was already received as a {first.Kind} report, with other content.",
            null => $"FD {fiscalDocumentNumber} of FN {fnSerial} was already received.",
        }, field);

    /// <summary>
    /// A device receipt's marked units, in the order the sales and refunds happened (their fiscal
    /// time), whatever order they arrive in. A double sale is flagged, never refused: the drive signed it.
    /// </summary>
    private async Task RecordMarkedUnitsAsync(ReceiptDocument receipt)
    {
        var receiptKey = ReceiptKey(receipt.Id);
        var sale = receipt.Operation == FiscalOperation.Sell.ToApiName();
        foreach (var code in receipt.Items.Where(i => i.MarkingCode is not null).Select(i => i.MarkingCode!))
        {
            var unit = GrainFactory.Get<IMarkingCodeGrain>(MarkingKey(code));
            if (!sale)
                await unit.RecordReturnAsync(receiptKey, receipt.DateTime);
            else if (await unit.RecordSaleAsync(receiptKey, receipt.DateTime))
                logger.LogWarning("Register {RegisterId}: receipt {ReceiptId} (FD {Fd}) sold marked unit {Code}, which another receipt held sold",
                    RegisterId, receipt.Id, receipt.FiscalDocumentNumber, code);
        }
    }

    private RegisterGapDetected GapOf(string fnSerial, NumberRange gap) =>
        new($"{RegisterId}:{fnSerial}:{gap.From}-{gap.To}", RegisterId, state!.StoreId, fnSerial, gap.From, gap.To, clock.GetUtcNow());

    private async Task PublishGapAsync(RegisterGapDetected gap)
    {
        logger.LogInformation("Register {RegisterId}: FN {FnSerial} has not reported FD {From} to {To}", RegisterId, gap.FnSerial, gap.FirstMissing, gap.LastMissing);
        var stream = this.GetStreamProvider(RetailSilo.StreamProvider)
            .GetStream<RegisterGapDetected>(StreamId.Create(EventsStream, GrainKeys.Store(state!.StoreId)));
        await stream.OnNextAsync(gap);
    }

    private RegisterView DeviceView(DeviceRegisterState device)
    {
        var drive = device.Current;
        var shift = drive.LatestShift;
        return new RegisterView(RegisterId, state!.StoreId, state.Mode, drive.FnSerial, drive.RegistrationNumber, drive.HighestReceived,
            new ShiftView(shift?.Number ?? 0, shift is { CloseFiscalDocumentNumber: null }, shift?.OpenedAt, (int)(shift?.ReceivedReceipts ?? 0), false),
            OfdNow(), device.TaxationSystem, device.UserInn, FiscalDrive.FfdVersion);
    }

    /// <summary>Tag 1012 is the store's local time in whole seconds, whatever offset the till sent.</summary>
    private static DateTimeOffset LocalTime(DeviceRegisterState device, DateTimeOffset at) =>
        FiscalDrive.TryFindZone(device.TimeZoneId, out var zone) ? FiscalDrive.Truncate(TimeZoneInfo.ConvertTime(at, zone)) : FiscalDrive.Truncate(at);

    /// <summary>The receipt's content and what the drive printed; the QR, total and VAT only restate them, so they are left out.</summary>
    private static string DeviceFingerprint(ReceiptInput input, DeviceFiscalData fiscal) =>
        Hash(string.Join('|', Fingerprint(input), fiscal.FnSerial, fiscal.FiscalDocumentNumber, fiscal.FiscalSign, fiscal.ShiftNumber,
            fiscal.ReceiptNumber, FiscalDrive.Truncate(fiscal.DateTime).UtcTicks.ToString(CultureInfo.InvariantCulture)));

    private static string Hash(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
