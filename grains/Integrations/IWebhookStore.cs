using Retail.Registers;

namespace Retail.Integrations;

/// <summary>A stored subscription; <see cref="DeletedAt"/> set once it ended.</summary>
public sealed record WebhookSubscription(string Id, WebhookSpec Spec, DateTimeOffset CreatedAt, DateTimeOffset? DeletedAt = null)
{
    public WebhookView View() => new(Id, Spec.Url, Spec.Events, Spec.StoreIds, Spec.OwnerKeyId, CreatedAt);

    public bool Wants(WebhookEvent item) =>
        DeletedAt is null && item.OccurredAt >= CreatedAt && Spec.Events.Contains(item.Type)
        && (Spec.StoreIds is null || (item.StoreId is not null && Spec.StoreIds.Contains(item.StoreId)));
}

/// <summary>The feed's checkpoint moving past what it read.</summary>
public readonly record struct CheckpointMove(FeedPosition From, FeedPosition Through);

/// <summary>The oldest undelivered event of a subscription: the one that goes next.</summary>
public sealed record PendingDelivery(long Id, string EventId, string Type, string Body, DateTimeOffset QueuedAt, int Failures, DateTimeOffset NextAttemptAt);

/// <summary>
/// The subscriptions, their outboxes and the feed's checkpoint. An event enters each outbox once
/// (keyed by subscription and event id), in the same step that moves the checkpoint past it, so
/// a feed that dies between reading and writing reads the same entries again and queues nothing twice.
/// </summary>
public interface IWebhookStore
{
    Task<WebhookSubscription?> FindAsync(string id);

    /// <summary>Stores the subscription unless its id is taken; returns what is stored under the id.</summary>
    Task<WebhookSubscription> CreateAsync(WebhookSubscription subscription);

    /// <summary>Ends a subscription and cancels what waited in its outbox; false when there was none.</summary>
    Task<bool> DeleteAsync(string id, DateTimeOffset at);

    Task<IReadOnlyList<WebhookSubscription>> ListAsync();

    /// <summary>How far the feed has read; the first time, where the journal ends now.</summary>
    Task<FeedPosition> FeedPositionAsync(Func<Task<FeedPosition>> journalEnd);

    /// <summary>
    /// Queues each event for every subscription that wants it and, given a <paramref name="move"/>, moves the
    /// checkpoint from its <c>From</c> to its <c>Through</c>, in one step; false (nothing done) when the checkpoint
    /// is no longer at <c>From</c>. <paramref name="touched"/> gets the subscriptions that got something.
    /// </summary>
    Task<bool> EnqueueAsync(IReadOnlyList<WebhookEvent> events, CheckpointMove? move, DateTimeOffset now, ISet<string> touched);

    /// <summary>The subscription's oldest pending delivery, due or not.</summary>
    Task<PendingDelivery?> HeadAsync(string subscriptionId);

    /// <summary>
    /// Records an attempt on a pending delivery: delivered, parked, or pending again with its next attempt. A
    /// delivery no longer pending (canceled meanwhile, or recorded by another sender) is left as it is.
    /// </summary>
    Task RecordAsync(long deliveryId, WebhookAttempt attempt, string status, DateTimeOffset? nextAttemptAt);

    /// <summary>A subscription's deliveries, newest first.</summary>
    Task<IReadOnlyList<WebhookDeliveryView>> DeliveriesAsync(string subscriptionId, string? status, int limit);

    /// <summary>Makes a parked or delivered delivery pending again from now; null when the subscription has no such delivery.</summary>
    Task<WebhookDeliveryView?> RetryAsync(string subscriptionId, long deliveryId, DateTimeOffset now);

    /// <summary>The live subscriptions whose oldest pending delivery is due.</summary>
    Task<IReadOnlyList<string>> DueAsync(DateTimeOffset now);
}

/// <summary>The embedded mode's webhook store: the same rules, in memory.</summary>
public sealed class InMemoryWebhookStore : IWebhookStore
{
    private sealed class Delivery
    {
        public required long Id;
        public required string SubscriptionId;
        public required WebhookEvent Event;
        public required string Status;
        public required DateTimeOffset QueuedAt;
        public DateTimeOffset? NextAttemptAt;
        public DateTimeOffset? DeliveredAt;
        public List<WebhookAttempt> Attempts = [];

        public WebhookDeliveryView View() =>
            new(Id, Event.Id, Event.Type, Event.OccurredAt, Status, Status == WebhookDeliveryStatus.Pending ? NextAttemptAt : null, DeliveredAt, Attempts.ToList());
    }

    private readonly Lock sync = new();
    private readonly Dictionary<string, WebhookSubscription> subscriptions = new(StringComparer.Ordinal);
    private readonly List<Delivery> deliveries = [];
    private readonly HashSet<(string, string)> queued = [];
    private FeedPosition? checkpoint;

    public Task<WebhookSubscription?> FindAsync(string id)
    {
        lock (sync)
            return Task.FromResult(subscriptions.GetValueOrDefault(id));
    }

    public Task<WebhookSubscription> CreateAsync(WebhookSubscription subscription)
    {
        lock (sync)
            return Task.FromResult(subscriptions.TryAdd(subscription.Id, subscription) ? subscription : subscriptions[subscription.Id]);
    }

    public Task<bool> DeleteAsync(string id, DateTimeOffset at)
    {
        lock (sync)
        {
            if (!subscriptions.TryGetValue(id, out var found) || found.DeletedAt is not null)
                return Task.FromResult(false);
            subscriptions[id] = found with { DeletedAt = at };
            foreach (var delivery in deliveries.Where(d => d.SubscriptionId == id && d.Status == WebhookDeliveryStatus.Pending))
                delivery.Status = WebhookDeliveryStatus.Canceled;
            return Task.FromResult(true);
        }
    }

    public Task<IReadOnlyList<WebhookSubscription>> ListAsync()
    {
        lock (sync)
            return Task.FromResult<IReadOnlyList<WebhookSubscription>>(subscriptions.Values.Where(s => s.DeletedAt is null).OrderBy(s => s.CreatedAt).ToList());
    }

    public async Task<FeedPosition> FeedPositionAsync(Func<Task<FeedPosition>> journalEnd)
    {
        lock (sync)
            if (checkpoint is { } known)
                return known;
        var end = await journalEnd();
        lock (sync)
            return checkpoint ??= end;
    }

    public Task<bool> EnqueueAsync(IReadOnlyList<WebhookEvent> events, CheckpointMove? move, DateTimeOffset now, ISet<string> touched)
    {
        lock (sync)
        {
            if (move is { } moving && checkpoint != moving.From)
                return Task.FromResult(false);
            var live = subscriptions.Values.OrderBy(s => s.Id, StringComparer.Ordinal).ToList();
            foreach (var item in events)
                foreach (var subscription in live.Where(s => s.Wants(item)))
                {
                    if (!queued.Add((subscription.Id, item.Id)))
                        continue;
                    deliveries.Add(new Delivery
                    {
                        Id = deliveries.Count + 1, SubscriptionId = subscription.Id, Event = item,
                        Status = WebhookDeliveryStatus.Pending, QueuedAt = now, NextAttemptAt = now,
                    });
                    touched.Add(subscription.Id);
                }
            if (move is { } moved)
                checkpoint = moved.Through;
            return Task.FromResult(true);
        }
    }

    public Task<PendingDelivery?> HeadAsync(string subscriptionId)
    {
        lock (sync)
            return Task.FromResult(Head(subscriptionId) is { } head
                ? new PendingDelivery(head.Id, head.Event.Id, head.Event.Type, head.Event.Body, head.QueuedAt, head.Attempts.Count, head.NextAttemptAt!.Value)
                : null);
    }

    private Delivery? Head(string subscriptionId) =>
        deliveries.FirstOrDefault(d => d.SubscriptionId == subscriptionId && d.Status == WebhookDeliveryStatus.Pending);

    public Task RecordAsync(long deliveryId, WebhookAttempt attempt, string status, DateTimeOffset? nextAttemptAt)
    {
        lock (sync)
        {
            var delivery = deliveries[(int)deliveryId - 1];
            if (delivery.Status != WebhookDeliveryStatus.Pending)
                return Task.CompletedTask;
            delivery.Attempts.Add(attempt);
            delivery.Status = status;
            delivery.NextAttemptAt = nextAttemptAt;
            if (status == WebhookDeliveryStatus.Delivered)
                delivery.DeliveredAt = attempt.At;
        }
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<WebhookDeliveryView>> DeliveriesAsync(string subscriptionId, string? status, int limit)
    {
        lock (sync)
            return Task.FromResult<IReadOnlyList<WebhookDeliveryView>>(deliveries
                .Where(d => d.SubscriptionId == subscriptionId && (status is null || d.Status == status))
                .OrderByDescending(d => d.Id).Take(limit).Select(d => d.View()).ToList());
    }

    public Task<WebhookDeliveryView?> RetryAsync(string subscriptionId, long deliveryId, DateTimeOffset now)
    {
        lock (sync)
        {
            if (deliveryId < 1 || deliveryId > deliveries.Count || deliveries[(int)deliveryId - 1] is not { } delivery
                || delivery.SubscriptionId != subscriptionId || delivery.Status == WebhookDeliveryStatus.Canceled)
                return Task.FromResult<WebhookDeliveryView?>(null);
            if (delivery.Status != WebhookDeliveryStatus.Pending)
            {
                delivery.Status = WebhookDeliveryStatus.Pending;
                delivery.QueuedAt = now;
                delivery.NextAttemptAt = now;
            }
            return Task.FromResult<WebhookDeliveryView?>(delivery.View());
        }
    }

    public Task<IReadOnlyList<string>> DueAsync(DateTimeOffset now)
    {
        lock (sync)
            return Task.FromResult<IReadOnlyList<string>>(subscriptions.Values
                .Where(s => s.DeletedAt is null && Head(s.Id) is { } head && head.NextAttemptAt <= now)
                .Select(s => s.Id).ToList());
    }
}
