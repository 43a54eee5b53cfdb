using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Retail.Catalog;
using Retail.Common;
using Retail.Documents;
using Retail.Faults;
using Retail.Ledger;
using Retail.Registers;

namespace Retail.Integrations;

/// <summary>What a web shop's receipt remembers; journaled at each step, so the journal's last entry restores it.</summary>
public sealed record CloudReceiptState(
    CloudReceiptRequest Request, string Fingerprint, string StoreId, string TimeZone, DateTimeOffset AcceptedAt, string Status,
    ReceiptDocument? Receipt = null, DomainError? Error = null, IReadOnlyList<int>? Unmatched = null, int CallbackAttempts = 0, bool CallbackDone = false)
{
    /// <summary>A report is still to be posted to the shop: it asked for one, none arrived, and tries are left.</summary>
    public bool CallbackOwed => Request.CallbackUrl is not null && !CallbackDone && CallbackAttempts < CloudReceiptGrain.CallbackAttempts;
}

/// <summary>
/// One web shop receipt. It is accepted (journaled, with a reminder registered first), then fiscalized on its
/// register: matched items write their stock off in the receipt's own step, unmatched ones are fiscalized all the
/// same and announced as <c>stock.unmatched</c>. Until it is done or failed, the reminder (and any report asked for)
/// tries again, and the register's idempotency makes that safe; then its callback gets the report.
/// </summary>
public sealed class CloudReceiptGrain(IRegisterJournal journal, JournaledStep step, TimeProvider clock, WebhookSender sender,
    IOptions<CloudRegisterOptions> options, ILogger<CloudReceiptGrain> logger) : Grain, ICloudReceiptGrain, IRemindable
{
    private const string Reminder = "fiscalize";

    /// <summary>How many times the callback is tried, a minute or more apart, before only the report tells.</summary>
    public const int CallbackAttempts = 10;

    private DocumentJournal<CloudReceiptState> document = null!;

    private string Uuid => GrainKeys.Id(this.GetPrimaryKeyString());

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        document = new DocumentJournal<CloudReceiptState>(this.GetPrimaryKeyString(), journal, step, clock, logger);
        await document.LoadAsync();
        if (document.State is not null)
            await document.PublishAsync(this.GetStreamProvider(Hosting.RetailSilo.StreamProvider));
    }

    public async Task<Outcome<CloudReceiptView>> SubmitAsync(CloudReceiptRequest request)
    {
        var fingerprint = CloudReceipts.Fingerprint(request);
        if (document.State is { } existing)
            return existing.Fingerprint == fingerprint
                ? Outcome<CloudReceiptView>.Ok(View(), replayed: true)
                : new DomainError(ErrorCodes.IdempotencyConflict, $"External id {request.ExternalId} was used for another receipt ({Uuid}).", "external_id");

        var register = await GrainFactory.Get<IRegisterGrain>(GrainKeys.Register(request.RegisterId)).GetAsync();
        if (register is not { Mode: RegisterModes.Emulated })
            return new DomainError(ErrorCodes.NotFound, $"Group {request.RegisterId} is not an emulated register.", "group");
        var store = await GrainFactory.Get<IStoreGrain>(GrainKeys.Store(register.StoreId)).GetAsync();
        // Registered before the acceptance is journaled: no crash leaves an accepted receipt nobody comes back to.
        await this.RegisterOrUpdateReminder(Reminder, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
        var accepted = new CloudReceiptState(request, fingerprint, register.StoreId, store?.TimeZone ?? "UTC", clock.GetUtcNow(), CloudReceiptStatus.Wait);
        if (await document.CommitAsync("accept", accepted, [], [], DeactivateOnIdle) is { } failed)
            return failed;
        await FiscalizeAsync();
        return Outcome<CloudReceiptView>.Ok(View());
    }

    public async Task<CloudReceiptView?> GetAsync()
    {
        if (document.State is null)
            return null;
        if (document.State.Status == CloudReceiptStatus.Wait)
            await FiscalizeAsync();
        return View();
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (document.State is not { } state)
            return;
        if (state.Status == CloudReceiptStatus.Wait)
            await FiscalizeAsync();
        else
            await CallBackAsync();
        if (document.State is { Status: not CloudReceiptStatus.Wait, CallbackOwed: false })
            await ForgetReminderAsync();
    }

    /// <summary>
    /// Fiscalizes the accepted receipt, or leaves it waiting when its register or the database is away for now.
    /// A refusal of the register (a rule of the drive) ends it as failed.
    /// </summary>
    private async Task FiscalizeAsync()
    {
        var state = document.State!;
        try
        {
            var skus = await MatchAsync(state.Request.Items);
            var register = GrainFactory.Get<IRegisterGrain>(GrainKeys.Register(state.Request.RegisterId));
            var result = await OnlineRegisters.FiscalizeAsync(register, CloudReceipts.ToReceipt(Uuid, state.Request, skus));
            if (result.Error is { Code: ErrorCodes.Unavailable })
                return;
            // An earlier attempt was fiscalized, and the catalog has changed since (an item matches otherwise now): that receipt stands.
            if (result.Error is { Code: ErrorCodes.IdempotencyConflict } && await register.GetReceiptAsync(CloudReceipts.ReceiptId(Uuid)) is { } first)
                result = Outcome<ReceiptDocument>.Ok(first, replayed: true);
            var unmatched = result.Value is { } fiscalized
                ? Enumerable.Range(0, fiscalized.Items.Count).Where(i => fiscalized.Items[i].Sku == "").ToList()
                : [];
            var events = result.Value is { } receipt && unmatched.Count > 0
                ? [document.Event(WebhookEventTypes.StockUnmatched, state.StoreId, new
                {
                    uuid = Uuid, state.StoreId, registerId = state.Request.RegisterId, externalId = state.Request.ExternalId,
                    receiptId = receipt.Id, receipt.FiscalDocumentNumber,
                    items = unmatched.Select(i => new { position = i, state.Request.Items[i].Name, state.Request.Items[i].Quantity, state.Request.Items[i].UserData }),
                })]
                : Array.Empty<DocumentEvent>();
            var next = result.Error is { } refused
                ? state with { Status = CloudReceiptStatus.Fail, Error = refused }
                : state with { Status = CloudReceiptStatus.Done, Receipt = result.Value, Unmatched = unmatched };
            if (await document.CommitAsync(next.Status, next, [], events, DeactivateOnIdle) is not null)
                return;
        }
        catch (Exception error) when (TransientFaults.IsTransient(error))
        {
            logger.LogWarning(error, "Cloud receipt {Uuid} waits: its register or the database is away; the reminder tries again", Uuid);
            return;
        }
        await document.PublishAsync(this.GetStreamProvider(Hosting.RetailSilo.StreamProvider));
        if (document.State!.Request.CallbackUrl is not null)
            // Soon, not now: the shop's request is answered without waiting on its own callback endpoint.
            this.RegisterGrainTimer(_ => CallBackAsync(), new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan));
        else
            await ForgetReminderAsync();
    }

    /// <summary>Each item's SKU by the first of its lookups that finds one still going by that name; "" when none does.</summary>
    private async Task<IReadOnlyList<string>> MatchAsync(IReadOnlyList<CloudReceiptItem> items)
    {
        var found = await Task.WhenAll(items.Select(async item =>
        {
            foreach (var lookup in CloudReceipts.Lookups(item))
            {
                var code = lookup.Kind == SkuLookup.Code
                    ? lookup.Value
                    : await GrainFactory.Get<ISkuAliasGrain>(GrainKeys.SkuAlias(lookup.Kind, lookup.Value)).GetAsync();
                if (code is not null && Identifiers.IsValidKey(code)
                    && await GrainFactory.Get<ISkuGrain>(GrainKeys.Sku(code)).GetAsync() is { } sku && CloudReceipts.Answers(lookup, sku))
                    return sku.Code;
            }
            return "";
        }));
        return found;
    }

    /// <summary>Posts the report to the callback URL once; a failure is tried again by the reminder, up to <see cref="CallbackAttempts"/> times.</summary>
    private async Task CallBackAsync()
    {
        var state = document.State!;
        if (!state.CallbackOwed)
            return;
        var now = clock.GetUtcNow();
        var attempt = await sender.PostAsync(state.Request.CallbackUrl!, AtolProtocol.Json(AtolProtocol.Report(View(), options.Value, now)), now);
        var delivered = WebhookSender.Succeeded(attempt);
        if (!delivered)
            logger.LogInformation("Cloud receipt {Uuid}: callback answered {Status} {Error}", Uuid, attempt.StatusCode, attempt.Error);
        var next = state with { CallbackAttempts = state.CallbackAttempts + 1, CallbackDone = delivered };
        await document.CommitAsync("callback", next, [], [], DeactivateOnIdle);
        if (!next.CallbackOwed)
            await ForgetReminderAsync();
    }

    private async Task ForgetReminderAsync()
    {
        try
        {
            if (await this.GetReminder(Reminder) is { } reminder)
                await this.UnregisterReminder(reminder);
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            logger.LogWarning(error, "Cloud receipt {Uuid}: its reminder stays until the next tick", Uuid);
        }
    }

    private CloudReceiptView View()
    {
        var s = document.State!;
        return new CloudReceiptView(Uuid, s.Request.RegisterId, s.StoreId, s.Request.ExternalId, s.Status, s.AcceptedAt, s.Receipt, s.Error,
            s.Unmatched ?? [], s.Request.CallbackUrl, s.Request.ApiVersion, s.TimeZone);
    }
}
