using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Retail.Catalog;
using Retail.Common;
using Retail.Integrations;

namespace Retail.Registers;

[GenerateSerializer, Alias("EReceiptOutboxState")]
public sealed class EReceiptOutboxState
{
    [Id(0)] public List<EReceipt> Queued { get; set; } = [];
}

/// <summary>
/// The store's outbox of e-receipts for buyers who gave an e-mail or phone. Keyed by register and receipt,
/// so a replayed receipt queues nothing twice; the newest thousand are kept. E-mails are sent by the store's
/// <see cref="EReceiptSenderGrain"/>, which reports each attempt back: retried with the webhooks' backoff, and
/// parked after the same give-up time. While e-mails wait, a reminder wakes the sender, across restarts too.
/// </summary>
public sealed class EReceiptOutboxGrain(
    [PersistentState("e-receipts", StorageNames.Registers)] IPersistentState<EReceiptOutboxState> outbox,
    EReceiptMail mail, IOptions<WebhookOptions> retries, TimeProvider clock) : Grain, IEReceiptOutboxGrain, IRemindable
{
    private const int Kept = 1000;
    private const string Reminder = "send";
    private bool reminding;

    private bool Waiting => mail.Enabled && outbox.State.Queued.Any(q => q.Channel == EReceiptChannels.Email && q.Status == EReceiptStatus.Queued);

    public async Task QueueAsync(EReceipt receipt)
    {
        if (outbox.State.Queued.Any(q => q.RegisterId == receipt.RegisterId && q.ReceiptId == receipt.ReceiptId))
            return;
        outbox.State.Queued.Add(receipt.Channel == EReceiptChannels.Email ? receipt : receipt with { Status = EReceiptStatus.ForShop });
        if (outbox.State.Queued.Count > Kept)
            outbox.State.Queued.RemoveRange(0, outbox.State.Queued.Count - Kept);
        await outbox.WriteStateAsync();
        if (Waiting)
        {
            if (!reminding)
                await this.RegisterOrUpdateReminder(Reminder, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
            reminding = true;
            await Sender.SendDueAsync();
        }
    }

    private IEReceiptSenderGrain Sender => GrainFactory.Get<IEReceiptSenderGrain>(this.GetPrimaryKeyString());

    public Task<IReadOnlyList<EReceipt>> ListAsync() => Task.FromResult<IReadOnlyList<EReceipt>>(outbox.State.Queued.ToList());

    public Task<IReadOnlyList<EReceipt>> DueAsync(int limit)
    {
        var now = clock.GetUtcNow();
        return Task.FromResult<IReadOnlyList<EReceipt>>(outbox.State.Queued
            .Where(q => q.Channel == EReceiptChannels.Email && q.Status == EReceiptStatus.Queued && (q.NextAttemptAt ?? q.QueuedAt) <= now)
            .Take(limit).ToList());
    }

    public async Task RecordAsync(string registerId, string receiptId, string? error)
    {
        var index = outbox.State.Queued.FindIndex(q => q.RegisterId == registerId && q.ReceiptId == receiptId);
        if (index < 0 || outbox.State.Queued[index] is not { Status: EReceiptStatus.Queued } item)
            return;
        var now = clock.GetUtcNow();
        if (error is null)
            outbox.State.Queued[index] = item with { Status = EReceiptStatus.Sent, Attempts = item.Attempts + 1, SentAt = now, NextAttemptAt = null, LastError = null };
        else
        {
            var next = WebhookRetries.Next(item.Attempts + 1, item.QueuedAt, now, retries.Value.GiveUpAfter, Random.Shared.NextDouble());
            outbox.State.Queued[index] = item with
            {
                Status = next is null ? EReceiptStatus.Parked : EReceiptStatus.Queued,
                Attempts = item.Attempts + 1, NextAttemptAt = next, LastError = error,
            };
        }
        await outbox.WriteStateAsync();
        if (!Waiting)
            await ForgetReminderAsync();
    }

    private async Task ForgetReminderAsync()
    {
        if (await this.GetReminder(Reminder) is { } reminder)
            await this.UnregisterReminder(reminder);
        reminding = false;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        reminding = true;
        if (Waiting)
            await Sender.SendDueAsync();
        else
            await ForgetReminderAsync();
    }
}

/// <summary>Sends a store's due e-mails and reports each attempt to the outbox; a slow mail server holds up only this grain.</summary>
public sealed class EReceiptSenderGrain(EReceiptMail mail, ILogger<EReceiptSenderGrain> logger) : Grain, IEReceiptSenderGrain
{
    private const int Batch = 50;

    public async Task SendDueAsync()
    {
        if (!mail.Enabled)
            return;
        var outbox = GrainFactory.Get<IEReceiptOutboxGrain>(this.GetPrimaryKeyString());
        var store = await GrainFactory.Get<IStoreGrain>(this.GetPrimaryKeyString()).GetAsync();
        foreach (var due in await outbox.DueAsync(Batch))
        {
            var receipt = await GrainFactory.Get<IRegisterGrain>(GrainKeys.Register(due.RegisterId)).GetReceiptAsync(due.ReceiptId);
            var error = receipt is null ? $"receipt {due.ReceiptId} of register {due.RegisterId} was not found" : await mail.SendAsync(receipt, store, due.Contact);
            if (error is not null)
                logger.LogWarning("E-receipt {ReceiptId} to {Contact}: not sent ({Error})", due.ReceiptId, due.Contact, error);
            await outbox.RecordAsync(due.RegisterId, due.ReceiptId, error);
        }
    }
}
