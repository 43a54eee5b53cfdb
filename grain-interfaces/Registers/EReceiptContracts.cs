namespace Retail.Registers;

/// <summary>
/// A receipt to send to the buyer's e-mail or phone (tag 1008), and how its sending stands: an e-mail is sent by
/// the store's outbox over SMTP (<see cref="EReceiptStatus"/>); a phone number is for the shop to message, which
/// hears of it by the <c>receipt.ereceipt</c> webhook.
/// </summary>
[GenerateSerializer, Immutable, Alias("EReceipt")]
public sealed record EReceipt(
    [property: Id(0)] string ReceiptId,
    [property: Id(1)] string RegisterId,
    [property: Id(2)] string Channel,
    [property: Id(3)] string Contact,
    [property: Id(4)] long FiscalDocumentNumber,
    [property: Id(5)] decimal Total,
    [property: Id(6)] string Qr,
    [property: Id(7)] DateTimeOffset QueuedAt,
    [property: Id(8)] string Status = EReceiptStatus.Queued,
    [property: Id(9)] int Attempts = 0,
    [property: Id(10)] DateTimeOffset? NextAttemptAt = null,
    [property: Id(11)] string? LastError = null,
    [property: Id(12)] DateTimeOffset? SentAt = null);

public static class EReceiptChannels
{
    public const string Email = "email";
    public const string Sms = "sms";
}

/// <summary>An e-receipt is queued (an e-mail waiting for its next attempt), sent, parked (given up on), or left to the shop (a phone number).</summary>
public static class EReceiptStatus
{
    public const string Queued = "queued";
    public const string Sent = "sent";
    public const string Parked = "parked";
    public const string ForShop = "forShop";
}

/// <summary>A store's outgoing e-receipts, oldest first. Key: <c>store/{storeId}</c>.</summary>
[Alias("IEReceiptOutboxGrain")]
public interface IEReceiptOutboxGrain : IGrainWithStringKey
{
    /// <summary>Queues a receipt's e-receipt once, however often its register re-drives it.</summary>
    [Alias("Queue")]
    Task QueueAsync(EReceipt receipt);

    [Alias("List"), ReadOnly]
    Task<IReadOnlyList<EReceipt>> ListAsync();

    /// <summary>The e-mails whose next attempt is due, oldest first.</summary>
    [Alias("Due"), ReadOnly]
    Task<IReadOnlyList<EReceipt>> DueAsync(int limit);

    /// <summary>Records an attempt to send one: sent, or failed with why (then retried with backoff, or parked).</summary>
    [Alias("Record")]
    Task RecordAsync(string registerId, string receiptId, string? error);
}

/// <summary>Sends a store's due e-mails, one at a time, outside the outbox (which stays free for the registers). Key: <c>store/{storeId}</c>.</summary>
[Alias("IEReceiptSenderGrain")]
public interface IEReceiptSenderGrain : IGrainWithStringKey
{
    [Alias("SendDue"), OneWay]
    Task SendDueAsync();
}
