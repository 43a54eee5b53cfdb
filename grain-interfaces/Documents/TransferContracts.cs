using Retail.Common;

namespace Retail.Documents;

/// <summary>A SKU and a quantity: a line of a transfer as sent, or as received.</summary>
[GenerateSerializer, Immutable, Alias("DocumentLine")]
public sealed record DocumentLine(
    [property: Id(0)] string Sku,
    [property: Id(1)] decimal Quantity);

/// <summary>A transfer line: what was sent, and once received, what arrived and what was lost in transit.</summary>
[GenerateSerializer, Immutable, Alias("TransferLineView")]
public sealed record TransferLineView(
    [property: Id(0)] string Sku,
    [property: Id(1)] decimal Quantity,
    [property: Id(2)] decimal? Received = null,
    [property: Id(3)] decimal? Lost = null);

[GenerateSerializer, Immutable, Alias("TransferView")]
public sealed record TransferView(
    [property: Id(0)] string Id,
    [property: Id(1)] string FromStoreId,
    [property: Id(2)] string ToStoreId,
    [property: Id(3)] string Status,
    [property: Id(4)] IReadOnlyList<TransferLineView> Lines,
    [property: Id(5)] DateTimeOffset CreatedAt,
    [property: Id(6)] DateTimeOffset? ShippedAt = null,
    [property: Id(7)] DateTimeOffset? ReceivedAt = null,
    [property: Id(8)] DateTimeOffset? CanceledAt = null);

public static class TransferStatus
{
    public const string Draft = "draft";
    public const string Shipped = "shipped";
    public const string Received = "received";
    public const string Canceled = "canceled";

    public static readonly IReadOnlyList<string> All = [Draft, Shipped, Received, Canceled];
}

/// <summary>
/// One transfer between two stores (INVENTORY.md, rule 7): draft, shipped, received, or canceled before
/// shipping. Each transition is journaled with the stock it moves. Key: <c>transfer/{id}</c>.
/// </summary>
[Alias("ITransferGrain")]
public interface ITransferGrain : IGrainWithStringKey
{
    /// <summary>Creates the draft; the same body again is answered as the first time, another body is an <c>idempotency_conflict</c>.</summary>
    [Alias("Create")]
    Task<Outcome<TransferView>> CreateAsync(string fromStoreId, string toStoreId, IReadOnlyList<DocumentLine> lines);

    /// <summary>Writes the lines off the source (<c>transferOut</c>) and announces them at the destination (<c>incoming</c>).</summary>
    [Alias("Ship")]
    Task<Outcome<TransferView>> ShipAsync();

    /// <summary>
    /// Takes the goods in at the destination (<c>transferIn</c>); null lines: everything as shipped. What did not
    /// arrive leaves incoming as loss in transit, with its own movement.
    /// </summary>
    [Alias("Receive")]
    Task<Outcome<TransferView>> ReceiveAsync(IReadOnlyList<DocumentLine>? received);

    [Alias("Cancel")]
    Task<Outcome<TransferView>> CancelAsync();

    [Alias("Get")]
    Task<TransferView?> GetAsync();
}

/// <summary>The transfers of one store, as source or destination, newest first. Key: <c>store/{storeId}</c>.</summary>
[Alias("ITransferListGrain")]
public interface ITransferListGrain : IGrainWithStringKey
{
    /// <summary>Records a transfer as it stands now; an older view of it than the one kept changes nothing.</summary>
    [Alias("Note")]
    Task NoteAsync(TransferView transfer, long version);

    [Alias("List")]
    Task<IReadOnlyList<TransferView>> ListAsync(string? status, int limit);
}
