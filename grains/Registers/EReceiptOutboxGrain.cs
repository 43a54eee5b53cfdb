namespace Retail.Orleans.Registers;

[GenerateSerializer, Alias("EReceiptOutboxState")]
public sealed class EReceiptOutboxState
{
    [Id(0)] public List<EReceipt> Queued { get; set; } = [];
}

/// <summary>
/// The store's outbox of e-receipts for buyers who gave an e-mail or phone. Keyed by register and
/// receipt, so a replayed receipt queues nothing twice. The newest thousand are kept.
/// </summary>
public sealed class EReceiptOutboxGrain(
    [PersistentState("e-receipts", StorageNames.Catalog)] IPersistentState<EReceiptOutboxState> outbox) : Grain, IEReceiptOutboxGrain
{
    private const int Kept = 1000;

    public async Task QueueAsync(EReceipt receipt)
    {
        if (outbox.State.Queued.Any(q => q.RegisterId == receipt.RegisterId && q.ReceiptId == receipt.ReceiptId))
            return;
        outbox.State.Queued.Add(receipt);
        if (outbox.State.Queued.Count > Kept)
            outbox.State.Queued.RemoveRange(0, outbox.State.Queued.Count - Kept);
        await outbox.WriteStateAsync();
    }

    public Task<IReadOnlyList<EReceipt>> ListAsync() => Task.FromResult<IReadOnlyList<EReceipt>>(outbox.State.Queued.ToList());
}
