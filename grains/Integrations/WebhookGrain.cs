using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Retail.Common;

namespace Retail.Integrations;

/// <summary>
/// One subscription. Its outbox is delivered strictly in order: the oldest pending event goes first,
/// and nothing after it goes until it is delivered or parked, so a receiver sees events in the order
/// they happened. The delivery loop runs beside the grain's calls (reads stay answered while a slow
/// receiver is waited on); the feed starts it whenever something is due.
/// </summary>
public sealed class WebhookGrain(IWebhookStore store, Registers.IRegisterJournal journal, WebhookSender sender, IOptions<WebhookOptions> options, TimeProvider clock,
    WebhookMetrics metrics, ILogger<WebhookGrain> logger) : Grain, IWebhookGrain
{
    public const int MaxEvents = 20;
    public const int MinSecretLength = 16;
    public const int MaxSecretLength = 256;

    private WebhookSubscription? subscription;
    private Task delivering = Task.CompletedTask;

    private string Id => GrainKeys.Id(this.GetPrimaryKeyString());

    public override async Task OnActivateAsync(CancellationToken cancellationToken) =>
        subscription = await store.FindAsync(Id);

    /// <summary>Why a spec cannot be a subscription (null: it can).</summary>
    public static DomainError? Check(WebhookSpec spec, bool allowPrivateTargets)
    {
        if (WebhookTargets.CheckUrl(spec.Url, allowPrivateTargets) is { } badUrl)
            return badUrl;
        if (spec.Events.Count is 0 or > MaxEvents || spec.Events.Distinct().Count() != spec.Events.Count || spec.Events.Any(e => !WebhookEventTypes.All.Contains(e)))
            return new DomainError(ErrorCodes.ValidationFailed,
                $"Events are 1 to {MaxEvents} distinct names of: {string.Join(", ", WebhookEventTypes.All)}.", "events");
        if (spec.Secret.Length is < MinSecretLength or > MaxSecretLength)
            return new DomainError(ErrorCodes.ValidationFailed, $"A secret is {MinSecretLength} to {MaxSecretLength} characters.", "secret");
        if (spec.StoreIds is { Count: 0 })
            return new DomainError(ErrorCodes.ValidationFailed, "A webhook covers at least one store.", "storeIds");
        return null;
    }

    public async Task<Outcome<WebhookView>> CreateAsync(WebhookSpec spec)
    {
        if (subscription is null && Check(spec, options.Value.AllowPrivateTargets) is { } invalid)
            return invalid;
        if (subscription is null)
        {
            // The feed's checkpoint is placed (if it is not yet) before the subscription exists, so every event after it is read.
            await store.FeedPositionAsync(journal.FeedEndAsync);
            subscription = await store.CreateAsync(new WebhookSubscription(Id, spec, clock.GetUtcNow()));
        }
        if (subscription.DeletedAt is not null || !Same(subscription.Spec, spec))
            return new DomainError(ErrorCodes.IdempotencyConflict, $"Webhook {Id} already exists with other settings.");
        await GrainFactory.GetGrain<IWebhookFeedGrain>(IWebhookFeedGrain.Key).StartAsync();
        return Outcome<WebhookView>.Ok(subscription.View());
    }

    private static bool Same(WebhookSpec a, WebhookSpec b) =>
        a.Url == b.Url && a.Secret == b.Secret && a.OwnerKeyId == b.OwnerKeyId && a.Events.SequenceEqual(b.Events)
        && (a.StoreIds ?? []).SequenceEqual(b.StoreIds ?? []) && (a.StoreIds is null) == (b.StoreIds is null);

    public Task<WebhookView?> GetAsync() => Task.FromResult(subscription is { DeletedAt: null } live ? live.View() : null);

    public async Task<bool> DeleteAsync()
    {
        if (subscription is not { DeletedAt: null })
            return false;
        var deleted = await store.DeleteAsync(Id, clock.GetUtcNow());
        subscription = await store.FindAsync(Id);
        return deleted;
    }

    public Task<IReadOnlyList<WebhookDeliveryView>> DeliveriesAsync(string? status, int limit) =>
        subscription is null ? Task.FromResult<IReadOnlyList<WebhookDeliveryView>>([]) : store.DeliveriesAsync(Id, status, limit);

    public async Task<Outcome<WebhookDeliveryView>> RetryAsync(long deliveryId)
    {
        if (subscription is not { DeletedAt: null } || await store.RetryAsync(Id, deliveryId, clock.GetUtcNow()) is not { } delivery)
            return new DomainError(ErrorCodes.NotFound, $"Webhook {Id} has no delivery {deliveryId}.");
        StartDelivering();
        return Outcome<WebhookDeliveryView>.Ok(delivery);
    }

    public Task DeliverAsync()
    {
        StartDelivering();
        return Task.CompletedTask;
    }

    private void StartDelivering()
    {
        if (delivering.IsCompleted && subscription is { DeletedAt: null })
            delivering = DeliverDueAsync();
    }

    private async Task DeliverDueAsync()
    {
        try
        {
            while (subscription is { DeletedAt: null } live && await store.HeadAsync(Id) is { } head && head.NextAttemptAt <= clock.GetUtcNow())
            {
                var attempt = await sender.SendAsync(live.Spec.Url, live.Spec.Secret, head, clock.GetUtcNow());
                if (WebhookSender.Succeeded(attempt))
                {
                    await store.RecordAsync(head.Id, attempt, WebhookDeliveryStatus.Delivered, null);
                    metrics.Attempt("delivered");
                    continue;
                }
                var next = WebhookRetries.Next(head.Failures + 1, head.QueuedAt, attempt.At, options.Value.GiveUpAfter, Random.Shared.NextDouble());
                await store.RecordAsync(head.Id, attempt, next is null ? WebhookDeliveryStatus.Parked : WebhookDeliveryStatus.Pending, next);
                metrics.Attempt(next is null ? "parked" : "failed");
                if (next is null)
                {
                    logger.LogWarning("Webhook {Id}: event {EventId} parked after {Failures} failed attempts", Id, head.EventId, head.Failures + 1);
                    continue;
                }
                break;
            }
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            // The feed starts the loop again on its next tick; the outbox still holds the event.
            logger.LogWarning(error, "Webhook {Id}: delivery stopped for now", Id);
        }
    }
}
