using Retail.Common;
using Retail.Stock;

namespace Retail.Procurement;

[GenerateSerializer, Alias("PurchaseOrderState")]
public sealed class PurchaseOrderState
{
    [Id(0)] public string? StoreId { get; set; }
    [Id(1)] public string Supplier { get; set; } = "";
    [Id(2)] public string Status { get; set; } = "";
    [Id(3)] public List<PurchaseOrderLine> Lines { get; set; } = [];
    [Id(4)] public Dictionary<string, decimal> Received { get; set; } = new(StringComparer.Ordinal);
    [Id(5)] public Dictionary<string, string> Deliveries { get; set; } = new(StringComparer.Ordinal);
    [Id(6)] public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>
/// A purchase order. Placing it announces its lines as <c>incoming</c>; each delivery posts
/// <c>goodsReceipt</c> movements, which move the goods from incoming to onHand. Every movement id is
/// derived from the order, the delivery and the line, so a retried call never counts twice.
/// </summary>
public sealed class PurchaseOrderGrain(
    [PersistentState("purchase-order", StorageNames.Procurement)] IPersistentState<PurchaseOrderState> order,
    TimeProvider clock) : Grain, IPurchaseOrderGrain
{
    public const string Draft = "draft";
    public const string Ordered = "ordered";
    public const string PartiallyReceived = "partiallyReceived";
    public const string Received = "received";

    private string Id => GrainKeys.Id(this.GetPrimaryKeyString());

    public async Task<Outcome<PurchaseOrderView>> CreateAsync(string storeId, string supplier, IReadOnlyList<PurchaseOrderLine> lines, bool draft)
    {
        var state = order.State;
        if (state.StoreId is not null)
        {
            var same = state.StoreId == storeId && state.Supplier == supplier && state.Lines.SequenceEqual(Merge(lines));
            return same
                ? Outcome<PurchaseOrderView>.Ok(View(), replayed: true)
                : new DomainError(ErrorCodes.IdempotencyConflict, $"Purchase order {Id} already exists with a different body.", "id");
        }
        state.StoreId = storeId;
        state.Supplier = supplier;
        state.Lines = Merge(lines);
        state.Status = draft ? Draft : Ordered;
        state.CreatedAt = clock.GetUtcNow();
        await order.WriteStateAsync();
        if (!draft)
            await AnnounceIncomingAsync();
        return Outcome<PurchaseOrderView>.Ok(View());
    }

    public async Task<Outcome<PurchaseOrderView>> PlaceAsync()
    {
        var state = order.State;
        if (state.StoreId is null)
            return new DomainError(ErrorCodes.NotFound, $"Purchase order {Id} does not exist.");
        if (state.Status != Draft)
            return state.Status == Ordered
                ? Outcome<PurchaseOrderView>.Ok(View(), replayed: true)
                : new DomainError(ErrorCodes.InvalidState, $"Purchase order {Id} is {state.Status}.");
        state.Status = Ordered;
        await order.WriteStateAsync();
        await AnnounceIncomingAsync();
        return Outcome<PurchaseOrderView>.Ok(View());
    }

    public async Task<Outcome<PurchaseOrderView>> ReceiveAsync(string receiptId, IReadOnlyList<PurchaseOrderLine> lines)
    {
        var state = order.State;
        if (state.StoreId is null)
            return new DomainError(ErrorCodes.NotFound, $"Purchase order {Id} does not exist.");
        var delivery = Merge(lines);
        var fingerprint = string.Join(';', delivery.Select(l => $"{l.Sku}={l.Quantity}"));
        if (state.Deliveries.TryGetValue(receiptId, out var earlier))
        {
            if (earlier != fingerprint)
                return new DomainError(ErrorCodes.IdempotencyConflict, $"Delivery {receiptId} was already posted with other lines.", "id");
            await PostDeliveryAsync(receiptId, delivery);
            return Outcome<PurchaseOrderView>.Ok(View(), replayed: true);
        }
        if (state.Status is Draft or Received)
            return new DomainError(ErrorCodes.InvalidState, $"Purchase order {Id} is {state.Status}; it cannot receive goods.");
        var unknown = delivery.FirstOrDefault(l => state.Lines.All(o => o.Sku != l.Sku));
        if (unknown is not null)
            return new DomainError(ErrorCodes.ValidationFailed, $"SKU {unknown.Sku} is not on purchase order {Id}.", "lines");

        foreach (var line in delivery)
            state.Received[line.Sku] = state.Received.GetValueOrDefault(line.Sku) + line.Quantity;
        state.Deliveries[receiptId] = fingerprint;
        state.Status = state.Lines.All(l => state.Received.GetValueOrDefault(l.Sku) >= l.Quantity) ? Received : PartiallyReceived;
        // The order remembers the delivery first; posting its movements is idempotent, so a crash in between is made good by a retry.
        await order.WriteStateAsync();
        await PostDeliveryAsync(receiptId, delivery);
        return Outcome<PurchaseOrderView>.Ok(View());
    }

    public Task<PurchaseOrderView?> GetAsync() => Task.FromResult(order.State.StoreId is null ? null : View());

    private async Task AnnounceIncomingAsync()
    {
        var document = new DocumentRef("purchaseOrder", Id);
        await Task.WhenAll(order.State.Lines.Select(line => Stock(line.Sku).ApplyAsync(
            new StockMovement($"po:{Id}:incoming:{line.Sku}", MovementType.Incoming, line.Quantity, Document: document))));
    }

    private async Task PostDeliveryAsync(string receiptId, IReadOnlyList<PurchaseOrderLine> delivery)
    {
        var document = new DocumentRef("purchaseOrder", Id);
        await Task.WhenAll(delivery.Select(line => Stock(line.Sku).ApplyAsync(
            new StockMovement($"po:{Id}:receipt:{receiptId}:{line.Sku}", MovementType.GoodsReceipt, line.Quantity, Document: document))));
    }

    private IStockGrain Stock(string sku) => GrainFactory.Get<IStockGrain>(GrainKeys.Stock(order.State.StoreId!, sku));

    private static List<PurchaseOrderLine> Merge(IReadOnlyList<PurchaseOrderLine> lines) =>
        lines.GroupBy(l => l.Sku, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new PurchaseOrderLine(g.Key, g.Sum(l => l.Quantity))).ToList();

    private PurchaseOrderView View()
    {
        var state = order.State;
        return new PurchaseOrderView(Id, state.StoreId!, state.Supplier, state.Status,
            state.Lines.Select(l => new PurchaseOrderLineView(l.Sku, l.Quantity, state.Received.GetValueOrDefault(l.Sku))).ToList(),
            state.Deliveries.Count, state.CreatedAt);
    }
}
