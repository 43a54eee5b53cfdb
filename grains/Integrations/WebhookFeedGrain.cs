using System.Text.Json;
using Microsoft.Extensions.Logging;
using Retail.Registers;

namespace Retail.Integrations;

/// <summary>
/// The one reader of the journal for webhooks. Every second it reads the receipts and document transitions
/// committed since its checkpoint, queues each event for the subscriptions that want it and moves the
/// checkpoint in the same step, then starts the delivery of every subscription with something due. The
/// journal, not a stream, is the source: an event whose publisher died after its commit is read all the
/// same. A reminder brings the feed back after a restart; with no subscription it only keeps its
/// checkpoint at the journal's end.
/// </summary>
public sealed class WebhookFeedGrain(IWebhookStore store, IRegisterJournal journal, TimeProvider clock, ILogger<WebhookFeedGrain> logger)
    : Grain, IWebhookFeedGrain, IRemindable
{
    public static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);
    private const int ReadLimit = 500;

    /// <summary>Batches read per tick at most: a long backlog is worked off over several ticks, with the grain's calls answered between.</summary>
    private const int RoundsPerTick = 10;
    private const string Reminder = "feed";
    private bool reminded;

    /// <summary>How many subscriptions the last pump found: alerts are not queued while there are none.</summary>
    private int subscriptions = -1;

    /// <summary>The pump's timer: running only once the feed was started, so a cluster without webhooks never reads for them.</summary>
    private IGrainTimer? timer;

    private void EnsureRunning() =>
        timer ??= this.RegisterGrainTimer(_ => PumpAsync(), new GrainTimerCreationOptions(Tick, Tick));

    public async Task WakeAsync()
    {
        if (timer is null && (await store.ListAsync()).Count > 0)
            await StartAsync();
    }

    public async Task StartAsync()
    {
        subscriptions = -1; // a subscription may just have been made: alerts are queued until the next pump counts
        EnsureRunning();
        if (reminded)
            return;
        await this.RegisterOrUpdateReminder(Reminder, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
        reminded = true;
    }

    public Task AnnounceAsync(Stock.StockAlert alert) => EnqueueAsync(WebhookEvents.From(alert));

    public Task AnnounceEventAsync(Documents.DocumentEvent announced) =>
        EnqueueAsync(WebhookEvents.Make(announced.Id, announced.Type, announced.OccurredAt, announced.StoreId, announced.Data));

    private async Task EnqueueAsync(WebhookEvent announced)
    {
        if (timer is null || subscriptions == 0)
            return;
        try
        {
            var touched = new HashSet<string>(StringComparer.Ordinal);
            await store.EnqueueAsync([announced], null, clock.GetUtcNow(), touched);
            foreach (var id in touched)
                await GrainFactory.GetGrain<IWebhookGrain>(Common.GrainKeys.Webhook(id)).DeliverAsync();
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            logger.LogWarning(error, "Webhook feed: event {EventId} not queued", announced.Id);
        }
    }

    public async Task<IReadOnlyList<WebhookView>> ListAsync() => (await store.ListAsync()).Select(s => s.View()).ToList();

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        reminded = true;
        EnsureRunning();
        return Task.CompletedTask;
    }

    public async Task PumpAsync()
    {
        try
        {
            // The journal's end before the subscriptions: a subscription made after this read wants nothing before it.
            var end = await journal.FeedEndAsync();
            var live = await store.ListAsync();
            subscriptions = live.Count;
            var position = await store.FeedPositionAsync(() => Task.FromResult(end));
            var touched = new HashSet<string>(StringComparer.Ordinal);
            if (live.Count == 0 || Compare(position, end) > 0)
            {
                // Nobody to tell: skip to the journal's end without reading what is in between. A checkpoint past the
                // end (the database restored elsewhere, its transaction counter behind ours) is moved back to it.
                if (Compare(position, end) > 0)
                    logger.LogWarning("Webhook feed: checkpoint {Checkpoint} is past the journal's end {End}; restarting from the end", position, end);
                if (Compare(position, end) != 0)
                    await store.EnqueueAsync([], new CheckpointMove(position, end), clock.GetUtcNow(), touched);
                if (live.Count == 0)
                    return;
                position = end;
            }
            for (var round = 0; round < RoundsPerTick; round++)
            {
                var batch = await journal.ReadFeedAfterAsync(position, ReadLimit);
                if (batch.Count == 0)
                    break;
                var events = batch.SelectMany(EventsOf).ToList();
                if (!await store.EnqueueAsync(events, new CheckpointMove(position, batch[^1].Position), clock.GetUtcNow(), touched))
                    return; // another activation moved the checkpoint: the next tick reads from where it is
                position = batch[^1].Position;
                if (batch.Count < ReadLimit)
                    break;
            }
            foreach (var id in touched.Union(await store.DueAsync(clock.GetUtcNow())))
                await GrainFactory.GetGrain<IWebhookGrain>(Common.GrainKeys.Webhook(id)).DeliverAsync();
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            logger.LogWarning(error, "Webhook feed: not read this time");
        }
    }

    private static int Compare(FeedPosition a, FeedPosition b) => (a.Transaction, a.Row).CompareTo((b.Transaction, b.Row));

    /// <summary>An entry's events; one that cannot be read is logged and passed over, so it cannot stop the feed for everyone.</summary>
    private IEnumerable<WebhookEvent> EventsOf(FeedEntry item)
    {
        try
        {
            return WebhookEvents.From(item.Entry).ToList();
        }
        catch (Exception error) when (error is JsonException or KeyNotFoundException or InvalidOperationException or ArgumentException)
        {
            logger.LogError(error, "Webhook feed: journal entry {JournalId}#{Sequence} announces nothing, it cannot be read", item.Entry.RegisterId, item.Entry.Sequence);
            return [];
        }
    }
}
