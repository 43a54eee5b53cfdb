namespace Retail.Orleans.Registers;

/// <summary>A receipt to send to the buyer's e-mail or phone (tag 1008), waiting for the sender.</summary>
[GenerateSerializer, Immutable, Alias("EReceipt")]
public sealed record EReceipt(
    [property: Id(0)] string ReceiptId,
    [property: Id(1)] string RegisterId,
    [property: Id(2)] string Channel,
    [property: Id(3)] string Contact,
    [property: Id(4)] long FiscalDocumentNumber,
    [property: Id(5)] decimal Total,
    [property: Id(6)] string Qr,
    [property: Id(7)] DateTimeOffset QueuedAt);

/// <summary>A store's outgoing e-receipts, oldest first. Key: <c>store/{storeId}</c>.</summary>
[Alias("IEReceiptOutboxGrain")]
public interface IEReceiptOutboxGrain : IGrainWithStringKey
{
    /// <summary>Queues a receipt's e-receipt once, however often its register re-drives it.</summary>
    [Alias("Queue")]
    Task QueueAsync(EReceipt receipt);

    [Alias("List"), ReadOnly]
    Task<IReadOnlyList<EReceipt>> ListAsync();
}
