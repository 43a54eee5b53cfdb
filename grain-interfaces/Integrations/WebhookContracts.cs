using Retail.Common;

namespace Retail.Integrations;

/// <summary>The events a webhook may subscribe to (API.md, "Integrations").</summary>
public static class WebhookEventTypes
{
    public const string ReceiptFiscalized = "receipt.fiscalized";

    /// <summary>A receipt whose buyer gave an e-mail or phone (tag 1008): for shops that send e-receipts themselves.</summary>
    public const string ReceiptEReceipt = "receipt.ereceipt";
    public const string OrderPaid = "order.paid";
    public const string OrderExpired = "order.expired";
    public const string TransferReceived = "transfer.received";
    public const string StockLow = "stock.low";
    public const string StockNegative = "stock.negative";
    /// <summary>A web shop's receipt had items no SKU matched: fiscalized, but their stock did not move.</summary>
    public const string StockUnmatched = "stock.unmatched";
    /// <summary>A device register's till reported an FD number beyond the next: the numbers between have not arrived.</summary>
    public const string RegisterGap = "register.gap";
    /// <summary>Procurement drafted a purchase order from its suggestions.</summary>
    public const string PurchaseOrderSuggested = "purchaseOrder.suggested";

    public static readonly IReadOnlyList<string> All = [ReceiptFiscalized, ReceiptEReceipt, OrderPaid, OrderExpired, TransferReceived, StockLow, StockNegative, StockUnmatched, RegisterGap, PurchaseOrderSuggested];
}

/// <summary>Delivery states: waiting its turn or its next attempt, delivered, parked after giving up, or dropped with its subscription.</summary>
public static class WebhookDeliveryStatus
{
    public const string Pending = "pending";
    public const string Delivered = "delivered";
    public const string Parked = "parked";
    public const string Canceled = "canceled";

    public static readonly IReadOnlyList<string> All = [Pending, Delivered, Parked, Canceled];
}

/// <summary>A subscription as asked for. <see cref="StoreIds"/> null: every store's events (admin keys only).</summary>
[GenerateSerializer, Immutable, Alias("WebhookSpec")]
public sealed record WebhookSpec(
    [property: Id(0)] string Url,
    [property: Id(1)] IReadOnlyList<string> Events,
    [property: Id(2)] string Secret,
    [property: Id(3)] IReadOnlyList<string>? StoreIds,
    [property: Id(4)] string OwnerKeyId);

/// <summary>A subscription as it is read back: never its secret.</summary>
[GenerateSerializer, Immutable, Alias("WebhookView")]
public sealed record WebhookView(
    [property: Id(0)] string Id,
    [property: Id(1)] string Url,
    [property: Id(2)] IReadOnlyList<string> Events,
    [property: Id(3)] IReadOnlyList<string>? StoreIds,
    [property: Id(4)] string OwnerKeyId,
    [property: Id(5)] DateTimeOffset CreatedAt);

/// <summary>One try to hand an event to the receiver: its HTTP status, or why there was none.</summary>
[GenerateSerializer, Immutable, Alias("WebhookAttempt")]
public sealed record WebhookAttempt(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] int? StatusCode,
    [property: Id(2)] string? Error,
    [property: Id(3)] int DurationMs);

/// <summary>An event in a subscription's outbox, with every attempt made to deliver it.</summary>
[GenerateSerializer, Immutable, Alias("WebhookDeliveryView")]
public sealed record WebhookDeliveryView(
    [property: Id(0)] long Id,
    [property: Id(1)] string EventId,
    [property: Id(2)] string Type,
    [property: Id(3)] DateTimeOffset OccurredAt,
    [property: Id(4)] string Status,
    [property: Id(5)] DateTimeOffset? NextAttemptAt,
    [property: Id(6)] DateTimeOffset? DeliveredAt,
    [property: Id(7)] IReadOnlyList<WebhookAttempt> Attempts);

/// <summary>One subscription: it keeps its settings and delivers its outbox in order. Key: <c>webhook/{id}</c>.</summary>
[Alias("IWebhookGrain")]
public interface IWebhookGrain : IGrainWithStringKey
{
    /// <summary>Creates the subscription; the same spec again answers the same subscription, another one is <c>idempotency_conflict</c>.</summary>
    [Alias("Create")]
    Task<Outcome<WebhookView>> CreateAsync(WebhookSpec spec);

    [Alias("Get"), ReadOnly]
    Task<WebhookView?> GetAsync();

    /// <summary>Ends the subscription: nothing more is delivered, what waited is canceled. False when there was none.</summary>
    [Alias("Delete")]
    Task<bool> DeleteAsync();

    [Alias("Deliveries"), ReadOnly]
    Task<IReadOnlyList<WebhookDeliveryView>> DeliveriesAsync(string? status, int limit);

    /// <summary>Sends a parked (or delivered) event again, in its turn; <c>not_found</c> when the subscription has no such delivery.</summary>
    [Alias("Retry")]
    Task<Outcome<WebhookDeliveryView>> RetryAsync(long deliveryId);

    /// <summary>Delivers what is due, oldest first, until the receiver fails or the outbox is empty.</summary>
    [Alias("Deliver"), OneWay]
    Task DeliverAsync();
}

/// <summary>Reads the journal in commit order and fills the outboxes of the subscriptions; lists them. Key: <see cref="Key"/>.</summary>
[Alias("IWebhookFeedGrain")]
public interface IWebhookFeedGrain : IGrainWithStringKey
{
    public const string Key = "integrations/webhook-feed";

    /// <summary>Starts the feed if it is not running (a reminder keeps it running across restarts).</summary>
    [Alias("Start"), AlwaysInterleave]
    Task StartAsync();

    /// <summary>Starts the feed if any subscription exists (a silo coming up): one query, and nothing more without webhooks.</summary>
    [Alias("Wake"), AlwaysInterleave]
    Task WakeAsync();

    /// <summary>Reads what the journal has now and hands it out: the feed's own tick, callable to hurry it.</summary>
    [Alias("Pump")]
    Task PumpAsync();

    /// <summary>
    /// Queues a store's stock alert for the subscriptions that want it. Alerts come from the store's view, not
    /// the journal: one raised while no feed could take it is not announced again (its id makes a repeat harmless).
    /// </summary>
    [Alias("Announce"), OneWay, AlwaysInterleave]
    Task AnnounceAsync(Stock.StockAlert alert);

    /// <summary>Queues an event that no journal entry carries (a drafted purchase order), under the same terms as an alert.</summary>
    [Alias("AnnounceEvent"), OneWay, AlwaysInterleave]
    Task AnnounceEventAsync(Documents.DocumentEvent announced);

    /// <summary>Every live subscription, oldest first.</summary>
    [Alias("List"), ReadOnly, AlwaysInterleave]
    Task<IReadOnlyList<WebhookView>> ListAsync();
}
