using Microsoft.Extensions.Logging;
using Retail.Orleans.Common;

namespace Retail.Orleans.Stock;

/// <summary>The lazily saved state of a pair: balances up to a ledger version, and the recent movements.</summary>
[GenerateSerializer, Alias("StockSnapshot")]
public sealed class StockSnapshot
{
    [Id(0)] public decimal OnHand { get; set; }
    [Id(1)] public decimal Reserved { get; set; }
    [Id(2)] public decimal Incoming { get; set; }
    [Id(3)] public long Version { get; set; }
    [Id(4)] public List<StockMovementRecord> Recent { get; set; } = [];
}

/// <summary>
/// The single writer of one store's stock of one SKU. Each movement is appended to the ledger
/// (group-committed with other grains' appends) before it is answered; the snapshot in grain
/// storage is only a shortcut for activation, which replays the ledger after it.
/// </summary>
public sealed class StockGrain(
    [PersistentState("stock", StorageNames.Stock)] IPersistentState<StockSnapshot> snapshot,
    IStockLedger ledger,
    TimeProvider clock,
    ILogger<StockGrain> logger) : Grain, IStockGrain
{
    /// <summary>Movements kept in memory to answer a retry without a database round trip.</summary>
    private const int IdempotencyWindow = 256;

    /// <summary>How many movements may pile up in the ledger before the snapshot is saved again.</summary>
    private const int SnapshotEvery = 100;

    private readonly Dictionary<string, StockMovementRecord> recent = new(StringComparer.Ordinal);
    private readonly Queue<string> recentOrder = new();
    private StockLevel level = null!;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var (storeId, sku) = GrainKeys.ParseStock(this.GetPrimaryKeyString());
        var state = snapshot.State;
        level = new StockLevel(storeId, sku, state.OnHand, state.Reserved, state.Incoming, state.Version);
        foreach (var record in state.Recent)
            Remember(record);
        foreach (var record in await ledger.ReadAfterAsync(storeId, sku, level.Version))
        {
            level = StockRules.Replay(level, record);
            Remember(record);
        }
        StockMetrics.Observe(level);
    }

    public Task<StockLevel> GetAsync() => Task.FromResult(level);

    public Task<IReadOnlyList<StockMovementRecord>> HistoryAsync(int limit, long? beforeVersion) =>
        ledger.ReadHistoryAsync(level.StoreId, level.Sku, limit, beforeVersion);

    public async Task<StockResult> ApplyAsync(StockMovement movement)
    {
        if (StockRules.Validate(movement) is { } invalid)
            return StockResult.Refused(invalid);

        var fingerprint = StockRules.Fingerprint(movement);
        if (recent.TryGetValue(movement.Id, out var earlier))
            return Replayed(earlier, fingerprint);

        var (record, error) = StockRules.Apply(level, movement, clock.GetUtcNow());
        if (error is not null)
            return StockResult.Refused(error);

        switch (await ledger.AppendAsync(record!))
        {
            case AppendOutcome.Appended:
                break;
            case AppendOutcome.DuplicateMovement:
                var first = await ledger.FindAsync(level.StoreId, level.Sku, movement.Id)
                    ?? throw new InvalidOperationException($"Movement {movement.Id} vanished from the ledger.");
                return Replayed(first, fingerprint);
            default:
                // Someone else wrote this pair's next version: never overwrite, reload from the ledger.
                logger.LogWarning("Stock {Key}: version {Version} already taken; reloading", this.GetPrimaryKeyString(), record!.Version);
                DeactivateOnIdle();
                throw new InvalidOperationException("The stock of this pair changed elsewhere; retry the movement.");
        }

        level = record!.LevelAfter;
        StockMetrics.Applied(record);
        Remember(record);
        if (StockRules.WentNegative(record))
            logger.LogInformation("Stock {StoreId}/{Sku} went negative: {OnHand}", level.StoreId, level.Sku, level.OnHand);
        Publish();
        if (level.Version - snapshot.State.Version >= SnapshotEvery)
            await SaveSnapshotAsync();
        return new StockResult(record, null);
    }

    private static StockResult Replayed(StockMovementRecord first, string fingerprint) =>
        first.Fingerprint == fingerprint
            ? new StockResult(first, null, Replayed: true)
            : StockResult.Refused(new DomainError(ErrorCodes.IdempotencyConflict,
                $"Movement {first.MovementId} was already applied with a different body.", "id"));

    private void Remember(StockMovementRecord record)
    {
        if (recent.TryAdd(record.MovementId, record))
            recentOrder.Enqueue(record.MovementId);
        while (recentOrder.Count > IdempotencyWindow)
            recent.Remove(recentOrder.Dequeue());
    }

    private void Publish()
    {
        GrainFactory.GetGrain<IStoreStockGrain>(GrainKeys.Store(level.StoreId)).ChangedAsync(level).Ignore();
        GrainFactory.GetGrain<ISkuStockGrain>(GrainKeys.Sku(level.Sku)).ChangedAsync(level).Ignore();
    }

    private async Task SaveSnapshotAsync()
    {
        var state = snapshot.State;
        state.OnHand = level.OnHand;
        state.Reserved = level.Reserved;
        state.Incoming = level.Incoming;
        state.Version = level.Version;
        state.Recent = recentOrder.Select(id => recent[id]).TakeLast(32).ToList();
        await snapshot.WriteStateAsync();
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        StockMetrics.Deactivated(level);
        if (level.Version > snapshot.State.Version && reason.ReasonCode != DeactivationReasonCode.ApplicationError)
        {
            try
            {
                await SaveSnapshotAsync();
            }
            catch (Exception error)
            {
                // Harmless: the ledger has every movement; the next activation replays a little more.
                logger.LogWarning(error, "Stock {Key}: snapshot not saved on deactivation", this.GetPrimaryKeyString());
            }
        }
    }
}
