using Retail.Common;
using Retail.Registers;
using Retail.Stock;

namespace Retail.Documents;

/// <summary>What a transfer remembers: journaled after every transition.</summary>
public sealed record TransferState(
    string FromStoreId,
    string ToStoreId,
    string Status,
    IReadOnlyList<TransferLineView> Lines,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ShippedAt = null,
    DateTimeOffset? ReceivedAt = null,
    DateTimeOffset? CanceledAt = null);

/// <summary>
/// The life of a transfer (INVENTORY.md, rule 7), pure: each transition gives the state after it and the
/// stock movements it causes, or the refusal. Movement ids are derived from the transfer, the step and the
/// SKU, so a transition journaled once moves stock once.
/// </summary>
public static class Transfers
{
    public const int MaxLines = 1000;

    public static (TransferState? State, DomainError? Error) Create(string fromStoreId, string toStoreId, IReadOnlyList<DocumentLine> lines, DateTimeOffset now)
    {
        if (fromStoreId == toStoreId)
            return (null, new DomainError(ErrorCodes.ValidationFailed, "A transfer goes to another store.", "toStoreId"));
        if (DocumentLines.Check(lines, "lines") is { } invalid)
            return (null, invalid);
        var sorted = lines.OrderBy(l => l.Sku, StringComparer.Ordinal).Select(l => new TransferLineView(l.Sku, l.Quantity)).ToList();
        return (new TransferState(fromStoreId, toStoreId, TransferStatus.Draft, sorted, now), null);
    }

    /// <summary>The same transfer asked for again (a retried create)?</summary>
    public static bool SameAs(TransferState state, string fromStoreId, string toStoreId, IReadOnlyList<DocumentLine> lines) =>
        state.FromStoreId == fromStoreId && state.ToStoreId == toStoreId
        && state.Lines.Select(l => (l.Sku, l.Quantity)).SequenceEqual(lines.OrderBy(l => l.Sku, StringComparer.Ordinal).Select(l => (l.Sku, l.Quantity)));

    public static (TransferState? State, IReadOnlyList<PlannedMovement> Stock, DomainError? Error) Ship(string transferId, TransferState state, DateTimeOffset now)
    {
        if (state.Status != TransferStatus.Draft)
            return Refuse(InvalidState(transferId, state, "shipped"));
        var document = Document(transferId);
        var stock = new List<PlannedMovement>();
        foreach (var line in state.Lines)
        {
            stock.Add(new PlannedMovement(state.FromStoreId, line.Sku,
                new StockMovement(MovementId(transferId, "out", line.Sku), MovementType.TransferOut, line.Quantity, Document: document, OccurredAt: now)));
            stock.Add(new PlannedMovement(state.ToStoreId, line.Sku,
                new StockMovement(MovementId(transferId, "incoming", line.Sku), MovementType.Incoming, line.Quantity, Document: document, OccurredAt: now)));
        }
        return (state with { Status = TransferStatus.Shipped, ShippedAt = now }, stock, null);
    }

    /// <summary>Receives what arrived (null: all of it); the rest of each line is lost in transit and leaves incoming.</summary>
    public static (TransferState? State, IReadOnlyList<PlannedMovement> Stock, DomainError? Error) Receive(
        string transferId, TransferState state, IReadOnlyList<DocumentLine>? received, DateTimeOffset now)
    {
        if (state.Status != TransferStatus.Shipped)
            return Refuse(InvalidState(transferId, state, "received"));
        var arrived = state.Lines.ToDictionary(l => l.Sku, l => l.Quantity, StringComparer.Ordinal);
        if (received is not null)
        {
            if (DocumentLines.Check(received, "lines", allowZero: true) is { } invalid)
                return Refuse(invalid);
            for (var i = 0; i < received.Count; i++)
            {
                var line = received[i];
                if (!arrived.TryGetValue(line.Sku, out var shipped))
                    return Refuse(new DomainError(ErrorCodes.ValidationFailed, $"SKU {line.Sku} is not on transfer {transferId}.", $"lines[{i}].sku"));
                if (line.Quantity > shipped)
                    return Refuse(new DomainError(ErrorCodes.ValidationFailed,
                        $"{line.Quantity} of SKU {line.Sku} cannot arrive: {shipped} was shipped.", $"lines[{i}].quantity"));
            }
            // A SKU the receiver does not list did not arrive.
            foreach (var line in state.Lines)
                arrived[line.Sku] = received.FirstOrDefault(r => r.Sku == line.Sku)?.Quantity ?? 0;
        }

        var document = Document(transferId);
        var stock = new List<PlannedMovement>();
        var lines = new List<TransferLineView>();
        foreach (var line in state.Lines)
        {
            var got = arrived[line.Sku];
            var lost = line.Quantity - got;
            if (got > 0)
                stock.Add(new PlannedMovement(state.ToStoreId, line.Sku,
                    new StockMovement(MovementId(transferId, "in", line.Sku), MovementType.TransferIn, got, Document: document, OccurredAt: now)));
            if (lost > 0)
                stock.Add(new PlannedMovement(state.ToStoreId, line.Sku,
                    new StockMovement(MovementId(transferId, "loss", line.Sku), MovementType.Incoming, -lost, StockRules.LossInTransit, document, now)));
            lines.Add(line with { Received = got, Lost = lost });
        }
        return (state with { Status = TransferStatus.Received, Lines = lines, ReceivedAt = now }, stock, null);
    }

    public static (TransferState? State, DomainError? Error) Cancel(string transferId, TransferState state, DateTimeOffset now) =>
        state.Status == TransferStatus.Draft
            ? (state with { Status = TransferStatus.Canceled, CanceledAt = now }, null)
            : (null, InvalidState(transferId, state, "canceled"));

    public static TransferView View(string transferId, TransferState state) =>
        new(transferId, state.FromStoreId, state.ToStoreId, state.Status, state.Lines, state.CreatedAt, state.ShippedAt, state.ReceivedAt, state.CanceledAt);

    public static DocumentRef Document(string transferId) => new("transfer", transferId);

    private static string MovementId(string transferId, string step, string sku) => Identifiers.Derived($"transfer:{transferId}:{step}:{sku}");

    private static DomainError InvalidState(string transferId, TransferState state, string wanted) =>
        new(ErrorCodes.InvalidState, $"Transfer {transferId} is {state.Status}; it cannot be {wanted}.", "status");

    private static (TransferState?, IReadOnlyList<PlannedMovement>, DomainError?) Refuse(DomainError error) => (null, [], error);
}

/// <summary>The checks every document's line list passes, whatever the document.</summary>
public static class DocumentLines
{
    public static DomainError? Check(IReadOnlyList<DocumentLine>? lines, string field, bool allowZero = false)
    {
        if (lines is not { Count: > 0 and <= Transfers.MaxLines })
            return new DomainError(ErrorCodes.ValidationFailed, $"A document has 1 to {Transfers.MaxLines} lines.", field);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            if (line is null)
                return new DomainError(ErrorCodes.ValidationFailed, "A line is required.", $"{field}[{i}]");
            if (!Identifiers.IsValidKey(line.Sku))
                return new DomainError(ErrorCodes.ValidationFailed, "A SKU is 1 to 128 letters, digits or ._:- characters.", $"{field}[{i}].sku");
            if (!seen.Add(line.Sku))
                return new DomainError(ErrorCodes.ValidationFailed, $"SKU {line.Sku} is on the document twice.", $"{field}[{i}].sku");
            if (line.Quantity < 0 || (line.Quantity == 0 && !allowZero) || line.Quantity > StockRules.MaxQuantity)
                return new DomainError(ErrorCodes.ValidationFailed, allowZero ? "A quantity is zero or more." : "A quantity is greater than zero.", $"{field}[{i}].quantity");
            if (!Quantity.HasAtMostThreeDecimals(line.Quantity))
                return new DomainError(ErrorCodes.ValidationFailed, "A quantity has at most 3 decimals.", $"{field}[{i}].quantity");
        }
        return null;
    }
}
