namespace Retail.Documents;

/// <summary>
/// What a document announces to integrations (<c>transfer.received</c>, <c>order.paid</c>, <c>order.expired</c>):
/// published after the transition is journaled, at least once, with a stable <see cref="Id"/> receivers dedupe on.
/// <see cref="Data"/> is the event's JSON body.
/// </summary>
[GenerateSerializer, Immutable, Alias("DocumentEvent")]
public sealed record DocumentEvent(
    [property: Id(0)] string Id,
    [property: Id(1)] string Type,
    [property: Id(2)] DateTimeOffset OccurredAt,
    [property: Id(3)] string StoreId,
    [property: Id(4)] string Data);

public static class DocumentEvents
{
    /// <summary>The stream namespace of document events; one stream per store, keyed <c>store/{storeId}</c>.</summary>
    public const string Stream = "document-events";

    public const string TransferReceived = "transfer.received";
    public const string OrderPaid = "order.paid";
    public const string OrderExpired = "order.expired";
}
