using System.Collections.Immutable;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Orleans.Streams;
using Retail.Catalog;
using Retail.Common;
using Retail.Documents;
using Retail.Hosting;
using Retail.Ledger;
using Retail.Registers.Fiscal;
using Retail.Stock;

namespace Retail.Registers;

/// <summary>
/// What a register remembers; journaled after every document, so the journal's last row restores it.
/// An emulated register has its <see cref="Drive"/>; a register with a physical drive has <see cref="Device"/>.
/// </summary>
/// <see cref="EffectsThrough"/>: every receipt up to this journal sequence has had its effects (marked units, e-receipt, stream).
public sealed record RegisterState(string StoreId, string Mode, FiscalDriveState? Drive, bool OfdReachable, DeviceRegisterState? Device = null,
    long EffectsThrough = 0);

/// <summary>A stock movement a receipt causes: committed with the receipt's journal entry, and kept in it to explain the ledger.</summary>
public sealed record PlannedMovement(string StoreId, string Sku, StockMovement Movement);

/// <summary>A journaled receipt: the document the till got, the stock movements it causes, and the gap it revealed (a device register's receipt beyond the next FD number).</summary>
public sealed record JournaledReceipt(ReceiptDocument Receipt, IReadOnlyList<PlannedMovement> Stock, RegisterGapDetected? Gap = null);

/// <summary>
/// One cash register. Orleans runs its commands one at a time, which is exactly the rule of a fiscal
/// drive. A receipt goes: intake (<see cref="PrepareAsync"/>), the drive as a pure state transition,
/// one journaled step (<see cref="JournaledStep"/>: the journal entry with the drive state after it and
/// every stock movement it causes, in one transaction, before the till hears of it), then its effects
/// (marked units, e-receipt, the receipts stream), which a later activation makes good from the journal
/// if this one dies first. An emulated register signs its own documents (this file); a device register
/// takes those a physical drive signed (RegisterGrain.Device.cs). Both share intake, step and effects.
/// </summary>
public sealed partial class RegisterGrain(IRegisterJournal journal, JournaledStep step, TimeProvider clock, RegisterMetrics metrics,
    ILogger<RegisterGrain> logger)
    : Grain, IRegisterGrain
{
    public const string ReceiptsStream = "receipts";

    /// <summary>How journaled documents are written, for anyone who reads them back.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private const int RecentReceipts = 200;

    private readonly Dictionary<string, JournaledReceipt> recent = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> recentFingerprints = new(StringComparer.Ordinal);
    private readonly Queue<string> recentOrder = new();
    /// <summary>Journaled receipts whose effects failed, by sequence: tried again by the timer and by the next activation.</summary>
    private readonly SortedDictionary<long, JournaledReceipt> effectsDue = new();
    private RegisterState? state;
    private long sequence;

    private string RegisterId => GrainKeys.Id(this.GetPrimaryKeyString());

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var latest = await journal.LatestAsync(RegisterId);
        if (latest is null)
            return;
        state = JsonSerializer.Deserialize<RegisterState>(latest.StateAfter, Json);
        sequence = latest.Sequence;
        ObserveMetrics();
        var receipts = (await journal.ReadAfterAsync(RegisterId, Math.Max(0, sequence - RecentReceipts), RecentReceipts))
            .Where(e => e.Kind == JournalKinds.Receipt).ToList();
        foreach (var entry in receipts)
        {
            var receipt = JsonSerializer.Deserialize<JournaledReceipt>(entry.Document, Json)!;
            Remember(entry.ClientId!, entry.Fingerprint!, receipt);
            // After the last receipt known to have had its effects: the previous activation may have died before them.
            // (A journal from before the effects checkpoint re-drives only these recent receipts.)
            if (entry.Sequence > state!.EffectsThrough)
                effectsDue[entry.Sequence] = receipt;
        }
        await RunDueEffectsAsync();
        this.RegisterGrainTimer(_ => RunDueEffectsAsync(), new GrainTimerCreationOptions(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5)));
        if (state!.Drive is not null)
            StartOfdDelivery();
    }

    public async Task<Outcome<RegisterView>> RegisterAsync(string storeId) => await ListedAsync(await RegisterEmulatedAsync(storeId));

    /// <summary>A registration (new or repeated) is listed with its store, so the store's registers can be shown.</summary>
    private async Task<Outcome<RegisterView>> ListedAsync(Outcome<RegisterView> outcome)
    {
        if (outcome.Value is { } view)
            await GrainFactory.Get<IStoreGrain>(GrainKeys.Store(view.StoreId)).AddRegisterAsync(RegisterId);
        return outcome;
    }

    private async Task<Outcome<RegisterView>> RegisterEmulatedAsync(string storeId)
    {
        if (state is not null)
            return state.StoreId != storeId ? OtherStore()
                : state.Mode != RegisterModes.Emulated ? OtherMode(RegisterModes.Emulated)
                : Outcome<RegisterView>.Ok(View(), replayed: true);
        var store = await GrainFactory.Get<IStoreGrain>(GrainKeys.Store(storeId)).GetAsync();
        if (store is null)
            return new DomainError(ErrorCodes.UnknownStore, $"Store {storeId} is not known.", "storeId");

        var registration = new FiscalRegistration(RegisterId, store.Inn, store.TaxationSystem, store.TimeZone);
        var (drive, report, error) = FiscalDrive.Register(registration, FiscalDriveIdentity.Emulated(RegisterId, "retail-orleans"), clock.GetUtcNow());
        if (error is not null)
            return error;
        var next = new RegisterState(storeId, RegisterModes.Emulated, drive!, OfdReachable: true);
        if (Refusal(await JournalAsync(JournalKinds.Registration, null, null, report!.Header.FiscalDocumentNumber, report, next)) is { } failed)
            return failed;
        StartOfdDelivery();
        return Outcome<RegisterView>.Ok(View());
    }

    public Task<RegisterView?> GetAsync() => Task.FromResult(state is null ? null : View());

    public async Task<Outcome<ShiftOpened>> OpenShiftAsync(CashierInfo cashier)
    {
        if (state is not { Drive: { } current })
            return NotEmulated();
        var (drive, report, error) = FiscalDrive.OpenShift(current, new Cashier(cashier.Name, cashier.Inn), clock.GetUtcNow());
        if (error is not null)
            return error;
        if (Refusal(await JournalAsync(JournalKinds.ShiftOpen, null, null, report!.Header.FiscalDocumentNumber, report, state with { Drive = drive })) is { } failed)
            return failed;
        return Outcome<ShiftOpened>.Ok(new ShiftOpened(report.Header.ShiftNumber, report.Header.FiscalDocumentNumber,
            report.Header.DateTime, report.Header.FiscalSign, cashier));
    }

    public async Task<Outcome<ShiftClosed>> CloseShiftAsync(CashierInfo? cashier)
    {
        if (state is not { Drive: { } current })
            return NotEmulated();
        var (drive, report, error) = FiscalDrive.CloseShift(current, cashier is null ? null : new Cashier(cashier.Name, cashier.Inn), clock.GetUtcNow());
        if (error is not null)
            return error;
        if (Refusal(await JournalAsync(JournalKinds.ShiftClose, null, null, report!.Header.FiscalDocumentNumber, report, state with { Drive = drive })) is { } failed)
            return failed;
        return Outcome<ShiftClosed>.Ok(new ShiftClosed(report.Header.ShiftNumber, report.Header.FiscalDocumentNumber,
            report.Header.DateTime, report.Header.FiscalSign, report.ReceiptCount, report.DocumentCount,
            new ShiftTotalsView(report.Totals.Sell, report.Totals.SellRefund),
            report.Ofd.UnconfirmedCount, report.Ofd.FirstUnconfirmedAt, report.Ofd.FirstUnconfirmedNumber, report.OpenedAt));
    }

    public async Task<Outcome<StateReported>> ReportStateAsync()
    {
        if (state is not { Drive: { } current })
            return NotEmulated();
        var (drive, report, error) = FiscalDrive.ReportState(current, clock.GetUtcNow());
        if (error is not null)
            return error;
        if (Refusal(await JournalAsync(JournalKinds.StateReport, null, null, report!.Header.FiscalDocumentNumber, report, state with { Drive = drive })) is { } failed)
            return failed;
        return Outcome<StateReported>.Ok(new StateReported(report.Header.FiscalDocumentNumber, report.Header.DateTime, report.Header.FiscalSign,
            report.Header.ShiftNumber, report.ShiftOpen, report.Ofd.UnconfirmedCount, report.Ofd.FirstUnconfirmedAt, report.Ofd.FirstUnconfirmedNumber));
    }

    public async Task<Outcome<ReceiptDocument>> FiscalizeAsync(ReceiptInput input)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var outcome = await FiscalizeCoreAsync(input);
        metrics.Receipt(input.Operation, outcome.Error?.Code ?? (outcome.Replayed ? "replayed" : "fiscalized"), started);
        return outcome;
    }

    private async Task<Outcome<ReceiptDocument>> FiscalizeCoreAsync(ReceiptInput input)
    {
        if (state is not { Drive: { } current })
            return NotEmulated();
        if (!Identifiers.IsValidClientId(input.Id))
            return new DomainError(ErrorCodes.ValidationFailed, "A receipt id is 1 to 128 printable characters.", "id");

        var fingerprint = Fingerprint(input);
        if (recent.TryGetValue(input.Id, out var earlier))
            return await ReplayAsync(earlier, recentFingerprints[input.Id], fingerprint);

        var (request, skus, invalid) = await PrepareAsync(input);
        if (invalid is not null)
            return invalid;

        // The drive is pure: try the receipt first, commit its state only once the journal has it.
        var (drive, fiscal, error) = input.Correction is null
            ? FiscalDrive.Fiscalize(current, request!, clock.GetUtcNow())
            : CorrectionBasisOf(input.Correction) is ({ } basis, null)
                ? FiscalDrive.FiscalizeCorrection(current, new CorrectionRequest(request!.Operation, basis, request.Items, request.Payments), clock.GetUtcNow())
                : (current, null, CorrectionBasisOf(input.Correction).Error);
        if (error is not null)
            // A retry older than the window, after the shift closed or the OFD blocked: the first answer, not a refusal.
            return await JournaledReceiptAsync(input.Id, fingerprint) ?? error;
        return await CommitReceiptAsync(input.Id, fingerprint, fiscal!, skus!, state with { Drive = drive },
            $"receipt:{fiscal!.Header.FnSerial}:{input.Id}", signedByDevice: false, input.ReservedByOrder);
    }

    /// <summary>Tag 1173: a correction on the register's own initiative, or by the tax service's instruction (with its number, 1179).</summary>
    private static (CorrectionBasis? Basis, DomainError? Error) CorrectionBasisOf(CorrectionInput correction) => correction.Type switch
    {
        "self" => (new CorrectionBasis(CorrectionType.SelfInitiated, correction.SettlementDate, correction.OrderNumber), null),
        "instruction" when !string.IsNullOrWhiteSpace(correction.OrderNumber) =>
            (new CorrectionBasis(CorrectionType.ByOrder, correction.SettlementDate, correction.OrderNumber), null),
        "instruction" => (null, new DomainError(ErrorCodes.ValidationFailed, "A correction by instruction names the order (tag 1179).", "correction.orderNumber")),
        _ => (null, new DomainError(ErrorCodes.ValidationFailed, "A correction type is self or instruction.", "correction.type")),
    };

    /// <summary>
    /// Checks a receipt as the till sent it and resolves its SKUs: the same checks whoever fiscalizes it.
    /// The sums are left to <see cref="ReceiptCalculator"/>. <paramref name="read"/> keeps the SKU definitions
    /// read for the receipts of one call (a batch), so each is read once in it.
    /// </summary>
    private async Task<(ReceiptRequest? Request, Dictionary<string, Sku>? Skus, DomainError? Error)> PrepareAsync(ReceiptInput input,
        Dictionary<string, Sku?>? read = null)
    {
        if (ReceiptRules.Operation(input.Operation) is { } operationError)
            return Refuse(operationError);
        // A null list (a caller's malformed message) is refused as an empty one.
        if (ReceiptRules.Limits(input.Items?.Count, input.Payments?.Count) is { } shape)
            return Refuse(shape);

        for (var i = 0; i < input.Items!.Count; i++)
            if (!Identifiers.IsValidKey(input.Items[i]?.Sku) && !(input.Items[i] is { Sku: "", Terms: not null }))
                return Refuse(new DomainError(ErrorCodes.ValidationFailed, "A SKU is 1 to 128 letters, digits or ._:- characters.", $"items[{i}].sku"));
        // Every SKU of the receipt in one round of grain calls, not one after another.
        read ??= new Dictionary<string, Sku?>(StringComparer.Ordinal);
        var codes = input.Items.Where(item => item.Sku != "" && !read.ContainsKey(item.Sku)).Select(item => item.Sku).Distinct(StringComparer.Ordinal).ToList();
        var definitions = await Task.WhenAll(codes.Select(code => GrainFactory.Get<ISkuGrain>(GrainKeys.Sku(code)).GetAsync()));
        for (var k = 0; k < codes.Count; k++)
            read[codes[k]] = definitions[k];
        var skus = new Dictionary<string, Sku>(StringComparer.Ordinal);
        foreach (var item in input.Items)
            if (read.TryGetValue(item.Sku, out var known) && known is not null)
                skus[item.Sku] = known;
        var items = ImmutableArray.CreateBuilder<ReceiptItem>(input.Items.Count);
        for (var i = 0; i < input.Items.Count; i++)
        {
            var item = input.Items[i];
            if (item.Terms is { } terms)
            {
                var (line, stated) = LineOf(item, terms, $"items[{i}]");
                if (stated is not null)
                    return Refuse(stated);
                if (item.Sku != "" && !skus.ContainsKey(item.Sku))
                    return Refuse(new DomainError(ErrorCodes.UnknownSku, $"SKU {item.Sku} is not known.", $"items[{i}].sku"));
                items.Add(line!);
                continue;
            }
            if (!skus.TryGetValue(item.Sku, out var sku))
                return Refuse(new DomainError(ErrorCodes.UnknownSku, $"SKU {item.Sku} is not known.", $"items[{i}].sku"));
            if (!sku.Marked && item.MarkingCode is not null)
                return Refuse(new DomainError(ErrorCodes.ValidationFailed, $"SKU {item.Sku} is not marked; send no marking code.", $"items[{i}].markingCode"));
            items.Add(new ReceiptItem(item.Sku, sku.Name, item.Quantity, item.Price, sku.Vat, sku.Marked,
                item.MarkingCode, sku.Unit, RegisterMapping.ToPaymentObject(sku.Kind)));
        }
        var payments = ImmutableArray.CreateBuilder<ReceiptPayment>(input.Payments!.Count);
        for (var i = 0; i < input.Payments.Count; i++)
        {
            if (ReceiptRules.Payment(input.Payments[i].Type, i) is { } paymentError)
                return Refuse(paymentError);
            payments.Add(new ReceiptPayment(input.Payments[i].Type, input.Payments[i].Amount));
        }
        // The drive checks the contact (tag 1008) with the rest of the receipt.
        var contact = input.Customer is null ? null : (input.Customer.Email ?? input.Customer.Phone);
        return (new ReceiptRequest(input.Operation, items.ToImmutable(), payments.ToImmutable(), contact), skus, null);

        static (ReceiptRequest?, Dictionary<string, Sku>?, DomainError?) Refuse(DomainError error) => (null, null, error);
    }

    /// <summary>A line whose seller stated its fiscal terms: the codes as sent, checked by the calculator like any line.</summary>
    private static (ReceiptItem? Line, DomainError? Error) LineOf(ReceiptItemInput item, ReceiptLineTerms terms, string path)
    {
        if (!ApiNames.TryParseApiName<VatRate>(terms.Vat, out var vat))
            return (null, new DomainError(ErrorCodes.UnsupportedVatRate, $"VAT rate '{terms.Vat}' is not one the drive knows.", $"{path}.vat"));
        return (new ReceiptItem(item.Sku, terms.Name, item.Quantity, item.Price, vat, item.MarkingCode is not null, item.MarkingCode,
            (Fiscal.MeasureUnit)terms.Unit, (PaymentObject)terms.PaymentObject, terms.Sum, (PaymentMethod)terms.PaymentMethod), null);
    }

    /// <summary>
    /// What follows a signed receipt, whoever signed it: marked units, the journal (with the register
    /// state after it), stock, the receipts stream. <paramref name="movementKey"/> makes its stock
    /// movement ids, so a replay of the same receipt writes nothing off twice. A receipt this register
    /// is about to sign may still be refused for a sold marked unit; one a physical drive signed is
    /// a fact, and its marked units are recorded as sold or returned after the journal has it.
    /// </summary>
    private async Task<Outcome<ReceiptDocument>> CommitReceiptAsync(
        string receiptId, string fingerprint, FiscalReceipt fiscal, IReadOnlyDictionary<string, Sku> skus, RegisterState next, string movementKey,
        bool signedByDevice, string? reservedByOrder = null, RegisterGapDetected? gap = null)
    {
        var receiptKey = ReceiptKey(receiptId);
        var marked = fiscal.Lines.Where(l => l.MarkingCode is not null).Select(l => l.MarkingCode!).ToList();
        var holds = !signedByDevice && fiscal.Operation == FiscalOperation.Sell && marked.Count > 0;
        if (holds && await HoldMarkedUnitsAsync(marked, receiptKey) is { } markingError)
            return markingError;

        var document = RegisterMapping.ToDocument(fiscal, receiptId, RegisterId, next.StoreId);
        var journaled = new JournaledReceipt(document, PlanStock(fiscal, skus, receiptId, next.StoreId, movementKey, reservedByOrder), gap);
        var result = await JournalAsync(JournalKinds.Receipt, receiptId, fingerprint, fiscal.Header.FiscalDocumentNumber, journaled, next,
            fiscal.Header.FnSerial, journaled.Stock);
        if (result.Outcome == CommitOutcome.DuplicateEntry)
        {
            // Journaled by an earlier activation, beyond the in-memory window: answer as that one did.
            if (await JournaledReceiptAsync(receiptId, fingerprint) is { } first)
                return first;
            // Its FD number is taken by another document: this activation's drive is behind the journal. Reload from it.
            logger.LogWarning("Register {RegisterId}: FD {Fd} is journaled already; reloading from the journal", RegisterId, fiscal.Header.FiscalDocumentNumber);
            DeactivateOnIdle();
            if (holds)
                await ReleaseMarkedUnitsAsync(marked, receiptKey);
            return new DomainError(ErrorCodes.Unavailable, $"Register {RegisterId} is reloading its journal; retry the receipt with the same id.");
        }
        if (Refusal(result) is { } failed)
        {
            if (holds && result.Outcome != CommitOutcome.Unknown)
                await ReleaseMarkedUnitsAsync(marked, receiptKey);
            return failed;
        }
        await JournaledAsync([(receiptId, fingerprint, journaled)]);
        return Outcome<ReceiptDocument>.Ok(document);
    }

    /// <summary>Receipts the journal has just taken, the last at <see cref="sequence"/>: remembered for retries, their effects run.</summary>
    private async Task JournaledAsync(IReadOnlyList<(string Id, string Fingerprint, JournaledReceipt Receipt)> receipts)
    {
        var first = sequence - receipts.Count + 1;
        for (var k = 0; k < receipts.Count; k++)
        {
            Remember(receipts[k].Id, receipts[k].Fingerprint, receipts[k].Receipt);
            effectsDue[first + k] = receipts[k].Receipt;
        }
        await RunDueEffectsAsync();
    }

    /// <summary>The first answer to a receipt id found in the journal (or null): a retry of any age is answered, never fiscalized again.</summary>
    private async Task<Outcome<ReceiptDocument>?> JournaledReceiptAsync(string receiptId, string fingerprint)
    {
        var first = await journal.FindAsync(RegisterId, receiptId);
        return first is { Kind: JournalKinds.Receipt }
            ? await ReplayAsync(JsonSerializer.Deserialize<JournaledReceipt>(first.Document, Json)!, first.Fingerprint!, fingerprint)
            : null;
    }

    public Task<ReceiptDocument?> GetReceiptAsync(string receiptId) =>
        recent.TryGetValue(receiptId, out var known)
            ? Task.FromResult<ReceiptDocument?>(known.Receipt)
            : FindJournaledReceiptAsync(receiptId);

    private async Task<ReceiptDocument?> FindJournaledReceiptAsync(string receiptId)
    {
        var entry = await journal.FindAsync(RegisterId, receiptId);
        return entry is { Kind: JournalKinds.Receipt } ? JsonSerializer.Deserialize<JournaledReceipt>(entry.Document, Json)!.Receipt : null;
    }

    public async Task<OfdView> SetOfdReachableAsync(bool reachable)
    {
        if (state is null)
            return new OfdView(0, null, null, false, reachable);
        // A physical drive talks to its operator itself: nothing here to switch.
        if (state.Drive is not null && state.OfdReachable != reachable)
            _ = await JournalAsync(JournalKinds.OfdSetting, null, null, null, new { reachable }, state with { OfdReachable = reachable });
        return OfdNow();
    }

    public async Task<OfdView> DeliverToOfdAsync()
    {
        if (state is not { Drive: { } current } || !state.OfdReachable || current.OfdOutbox.IsDefaultOrEmpty)
            return state is null ? new OfdView(0, null, null, false, false) : OfdNow();
        var upTo = current.OfdOutbox.Max(e => e.FiscalDocumentNumber);
        var (drive, confirmation, error) = FiscalDrive.Confirm(current, upTo, clock.GetUtcNow());
        if (error is null)
            _ = await JournalAsync(JournalKinds.OfdConfirmation, null, null, null, confirmation!, state with { Drive = drive });
        return OfdNow();
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        metrics.Forget(RegisterId);
        return Task.CompletedTask;
    }

    private void StartOfdDelivery() =>
        // The emulated operator picks up the outbox every few seconds, as a real drive's transport does.
        this.RegisterGrainTimer(async _ => await DeliverToOfdAsync(), new GrainTimerCreationOptions(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5)));

    private OfdView OfdNow() => state!.Drive is { } drive
        ? RegisterMapping.ToView(FiscalDrive.Backlog(drive, clock.GetUtcNow()), state.OfdReachable)
        : new OfdView(0, null, null, false, state.OfdReachable);

    private RegisterView View()
    {
        if (state!.Device is { } device)
            return DeviceView(device);
        var drive = state.Drive!;
        var status = FiscalDrive.Status(drive, clock.GetUtcNow());
        return new RegisterView(RegisterId, state.StoreId, state.Mode, drive.Identity.FnSerial, drive.Identity.RegistrationNumber,
            drive.LastFiscalDocumentNumber,
            new ShiftView(status.Shift.Number, status.Shift.IsOpen, status.Shift.OpenedAt, status.Shift.ReceiptCount, status.Shift.Expired),
            RegisterMapping.ToView(status.Ofd, state.OfdReachable),
            drive.TaxationSystems, drive.UserInn, FiscalDrive.FfdVersion);
    }

    /// <summary>A document to journal, with the register state after it.</summary>
    private sealed record Journaling(string Kind, string? ClientId, string? Fingerprint, long? FiscalDocumentNumber, object Document,
        RegisterState Next, string? FnSerial = null);

    /// <summary>The journaled step: the entry (with the state after it) and the stock it moves, all or nothing.</summary>
    private Task<JournaledStep.Result> JournalAsync(string kind, string? clientId, string? fingerprint, long? fiscalDocumentNumber, object document,
        RegisterState next, string? fnSerial = null, IReadOnlyList<PlannedMovement>? stock = null) =>
        JournalAsync([new Journaling(kind, clientId, fingerprint, fiscalDocumentNumber, document, next, fnSerial)], stock ?? []);

    /// <summary>The journaled step of consecutive documents, each entry with the state after it: all of them and their stock, or nothing.</summary>
    private async Task<JournaledStep.Result> JournalAsync(IReadOnlyList<Journaling> documents, IReadOnlyList<PlannedMovement> stock)
    {
        var effectsThrough = effectsDue.Count == 0 ? sequence : effectsDue.Keys.First() - 1;
        var entries = new List<JournalEntry>(documents.Count);
        RegisterState? last = null;
        foreach (var document in documents)
        {
            last = document.Next with { EffectsThrough = effectsThrough };
            entries.Add(new JournalEntry(RegisterId, sequence + entries.Count + 1, document.Kind, document.ClientId, document.FiscalDocumentNumber,
                document.Fingerprint, JsonSerializer.SerializeToUtf8Bytes(document.Document, document.Document.GetType(), Json), JsonSerializer.SerializeToUtf8Bytes(last, Json),
                clock.GetUtcNow(), last.StoreId,
                document.FiscalDocumentNumber is null ? null : document.FnSerial ?? last.Drive?.Identity.FnSerial));
        }
        var result = await step.CommitAsync(entries, stock);
        switch (result.Outcome)
        {
            case CommitOutcome.Committed:
                sequence += entries.Count;
                state = last;
                ObserveMetrics();
                break;
            case CommitOutcome.JournalConflict or CommitOutcome.Unknown:
                // Another activation wrote this sequence, or the database went away mid-commit: the journal knows, so reload from it.
                logger.LogWarning("Register {RegisterId}: journal sequence {Sequence} ended {Outcome}; reloading from the journal",
                    RegisterId, entries[0].Sequence, result.Outcome);
                DeactivateOnIdle();
                break;
        }
        return result;
    }

    /// <summary>What the till hears when the step did not commit (null: it did, or it had already).</summary>
    private DomainError? Refusal(JournaledStep.Result result) => result.Outcome switch
    {
        CommitOutcome.Committed or CommitOutcome.DuplicateEntry => null,
        CommitOutcome.Rejected => result.Refusal ?? new DomainError(ErrorCodes.ValidationFailed, "The document holds a value the journal cannot store."),
        _ => new DomainError(ErrorCodes.Unavailable,
            $"Register {RegisterId} could not journal the document just now; nothing was fiscalized. Retry it (a receipt with the same id)."),
    };

    /// <summary>The first answer again; its stock grains are told it is journaled, in case the first attempt's settlement was lost.</summary>
    private async Task<Outcome<ReceiptDocument>> ReplayAsync(JournaledReceipt first, string firstFingerprint, string fingerprint)
    {
        if (firstFingerprint != fingerprint)
            return new DomainError(ErrorCodes.IdempotencyConflict, $"Receipt {first.Receipt.Id} was already fiscalized with a different body.", "id");
        try
        {
            await Task.WhenAll(first.Stock.Select(p =>
                GrainFactory.Get<IStockGrain>(GrainKeys.Stock(p.StoreId, p.Sku)).ConfirmAppliedAsync(p.Movement.Id)));
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            logger.LogWarning(error, "Register {RegisterId}: stock of replayed receipt {ReceiptId} not confirmed; its grains look it up later", RegisterId, first.Receipt.Id);
        }
        return Outcome<ReceiptDocument>.Ok(first.Receipt, replayed: true);
    }

    /// <summary>
    /// The effects of journaled receipts, oldest first, each idempotent: marked units, the e-receipt, the
    /// receipts stream. One that fails stays due; the journal's <see cref="RegisterState.EffectsThrough"/>
    /// tells a later activation where to pick up.
    /// </summary>
    private async Task RunDueEffectsAsync()
    {
        foreach (var (at, receipt) in effectsDue.ToList())
        {
            try
            {
                await MarkUnitsAsync(receipt.Receipt);
                await QueueEReceiptAsync(receipt.Receipt);
                await PublishAsync(receipt.Receipt, at);
                effectsDue.Remove(at);
            }
            catch (Exception error) when (error is not OutOfMemoryException)
            {
                logger.LogWarning(error, "Register {RegisterId}: effects of receipt {ReceiptId} are due again later", RegisterId, receipt.Receipt.Id);
                return;
            }
        }
    }

    /// <summary>Marked units of a journaled receipt: sold or returned (emulated), or recorded in fiscal-time order (device).</summary>
    private async Task MarkUnitsAsync(ReceiptDocument receipt)
    {
        if (state!.Device is not null)
        {
            await RecordMarkedUnitsAsync(receipt);
            return;
        }
        var receiptKey = ReceiptKey(receipt.Id);
        var sale = receipt.Operation == FiscalOperation.Sell.ToApiName();
        foreach (var code in receipt.Items.Where(i => i.MarkingCode is not null).Select(i => i.MarkingCode!))
        {
            var unit = GrainFactory.Get<IMarkingCodeGrain>(MarkingKey(code));
            if (!sale)
                await unit.ReturnAsync(receiptKey);
            else if (await unit.SellAsync(receiptKey) is not null)
                logger.LogWarning("Register {RegisterId}: receipt {ReceiptId} sold marked unit {Code}, which another receipt had sold", RegisterId, receipt.Id, code);
        }
    }

    /// <summary>A buyer who gave an e-mail or phone (tag 1008) gets the receipt electronically: queued for the sender.</summary>
    private async Task QueueEReceiptAsync(ReceiptDocument receipt)
    {
        if (receipt.CustomerContact is not { } contact)
            return;
        var channel = contact.Contains('@') ? EReceiptChannels.Email : EReceiptChannels.Sms;
        await GrainFactory.Get<IEReceiptOutboxGrain>(GrainKeys.Store(receipt.StoreId)).QueueAsync(new EReceipt(
            receipt.Id, receipt.RegisterId, channel, contact, receipt.FiscalDocumentNumber, receipt.Total, receipt.Qr, clock.GetUtcNow()));
    }

    /// <summary>Holds each marked unit for this receipt before it is fiscalized; a unit sold or held elsewhere refuses the receipt.</summary>
    private async Task<DomainError?> HoldMarkedUnitsAsync(IReadOnlyList<string> codes, string receiptKey)
    {
        var held = new List<string>();
        foreach (var code in codes)
        {
            if (await GrainFactory.Get<IMarkingCodeGrain>(MarkingKey(code)).HoldAsync(receiptKey) is { } refused)
            {
                await ReleaseMarkedUnitsAsync(held, receiptKey);
                return refused;
            }
            held.Add(code);
        }
        return null;
    }

    private Task ReleaseMarkedUnitsAsync(IEnumerable<string> codes, string receiptKey) =>
        Task.WhenAll(codes.Select(c => GrainFactory.Get<IMarkingCodeGrain>(MarkingKey(c)).CancelSaleAsync(receiptKey)));

    private static string MarkingKey(string code) => $"mark/{code}";

    private string ReceiptKey(string receiptId) => $"{RegisterId}/{receiptId}";

    /// <summary>Sales write off goods, or a dish's or service's components; refunds restock goods (a served dish cannot go back).</summary>
    private static List<PlannedMovement> PlanStock(FiscalReceipt receipt, IReadOnlyDictionary<string, Sku> skus, string receiptId, string storeId, string movementKey,
        string? reservedByOrder)
    {
        var operation = receipt.Operation;
        var planned = new List<PlannedMovement>();
        var document = new DocumentRef("receipt", receiptId, receipt.Header.FiscalDocumentNumber);
        for (var line = 0; line < receipt.Lines.Length; line++)
        {
            var sold = receipt.Lines[line];
            // A web shop's line no SKU matched is fiscalized without moving stock.
            if (!skus.TryGetValue(sold.Sku, out var sku))
                continue;
            foreach (var component in Recipes.WriteOffPerUnit(sku))
            {
                var isItself = component.Sku == sku.Code;
                MovementType? type = (operation, isItself) switch
                {
                    (FiscalOperation.Sell, true) => MovementType.Sale,
                    (FiscalOperation.Sell, false) => MovementType.Consumption,
                    (FiscalOperation.SellRefund, true) => MovementType.SaleRefund,
                    _ => null,
                };
                if (type is null)
                    continue;
                var quantity = Math.Round(sold.Quantity * component.Quantity, Quantity.MaxDecimals, MidpointRounding.AwayFromZero);
                if (quantity <= 0)
                    continue;
                planned.Add(new PlannedMovement(storeId, component.Sku, new StockMovement(
                    Identifiers.Derived($"{movementKey}:{line}:{component.Sku}"), type.Value, quantity,
                    Document: document, OccurredAt: receipt.Header.DateTime)));
            }
        }
        // The order this sale pays held these goods: the same release a cancel or the expiry would write, so it happens once.
        if (reservedByOrder is not null && operation == FiscalOperation.Sell)
            planned.AddRange(Orders.Release(reservedByOrder, storeId,
                Orders.Held(receipt.Lines.Select(l => (l.Sku, l.Quantity)), skus), receipt.Header.DateTime));
        return planned;
    }

    private async Task PublishAsync(ReceiptDocument document, long journalSequence)
    {
        var stream = this.GetStreamProvider(RetailSilo.StreamProvider)
            .GetStream<ReceiptFiscalized>(StreamId.Create(ReceiptsStream, GrainKeys.Store(document.StoreId)));
        await stream.OnNextAsync(new ReceiptFiscalized($"{document.FnSerial}:{document.FiscalDocumentNumber}", document, journalSequence));
    }

    private void Remember(string receiptId, string fingerprint, JournaledReceipt receipt)
    {
        if (recent.TryAdd(receiptId, receipt))
        {
            recentFingerprints[receiptId] = fingerprint;
            recentOrder.Enqueue(receiptId);
        }
        while (recentOrder.Count > RecentReceipts)
        {
            var old = recentOrder.Dequeue();
            recent.Remove(old);
            recentFingerprints.Remove(old);
        }
    }

    /// <summary>What makes a retry the same receipt: its content, hashed (the journal keeps it with the receipt).</summary>
    public static string Fingerprint(ReceiptInput input)
    {
        static string N(decimal value) => value.ToString("0.###", CultureInfo.InvariantCulture);
        // The API names, as when these were strings: a retry of a receipt taken before keeps its fingerprint.
        var text = string.Join('|',
            input.Operation.ToApiNameOrNumber(),
            string.Join(';', input.Items.Select(i => $"{i.Sku},{N(i.Quantity)},{N(i.Price)},{i.MarkingCode}" +
                (i.Terms is { } t ? $",{t.Name.Length}:{t.Name},{t.Vat},{t.Unit},{t.PaymentObject},{t.PaymentMethod},{N(t.Sum)}" : ""))),
            string.Join(';', input.Payments.Select(p => $"{p.Type.ToApiNameOrNumber()},{N(p.Amount)}")),
            input.Customer?.Email, input.Customer?.Phone,
            input.Correction is { } c ? $"{c.Type},{c.SettlementDate:yyyy-MM-dd},{c.OrderNumber}" : "");
        // Only a receipt that pays an order says so: every other receipt keeps the fingerprint it always had.
        if (input.ReservedByOrder is { } order)
            text += $"|order:{order}";
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    private DomainError NotRegistered() =>
        new(ErrorCodes.NotFound, $"Register {RegisterId} is not registered; PUT it first.");

    private DomainError NotEmulated() => state is null ? NotRegistered()
        : new(ErrorCodes.InvalidState, $"Register {RegisterId} has a physical fiscal drive: shifts and receipts happen on the device; " +
                                       "post what it printed to fiscalized-receipts and fiscalized-reports.");

    private DomainError OtherStore() =>
        new(ErrorCodes.InvalidState, $"Register {RegisterId} is registered for store {state!.StoreId}.", "storeId");

    private DomainError OtherMode(string mode) =>
        new(ErrorCodes.InvalidState, $"Register {RegisterId} is registered in mode {state!.Mode}, not {mode}.", "mode");

    private void ObserveMetrics() => metrics.Observe(RegisterId, View(), state!.Device?.MissingCount ?? 0);
}

/// <summary>What a journal entry holds.</summary>
public static class JournalKinds
{
    public const string Registration = "registration";
    public const string ShiftOpen = "shiftOpen";
    public const string ShiftClose = "shiftClose";
    public const string StateReport = "stateReport";
    public const string Receipt = "receipt";
    public const string OfdConfirmation = "ofdConfirmation";
    public const string OfdSetting = "ofdSetting";
    public const string FnReplacement = "fnReplacement";
}
