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
/// storage is only a shortcut for activation, which replays the ledger after it. Calls interleave
/// only to queue up: movements are computed and written in arrival order, one group at a time.
/// </summary>
[Reentrant]
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
    private readonly List<PendingMovement> waiting = [];
    private readonly Dictionary<string, Task<StockResult>> inFlight = new(StringComparer.Ordinal);
    private StockLevel level = null!;
    private bool flushing;
    private bool broken;

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
        if (broken)
            throw new InvalidOperationException("The stock of this pair is reloading; retry the movement.");

        var fingerprint = StockRules.Fingerprint(movement);
        if (recent.TryGetValue(movement.Id, out var earlier))
            return Replayed(earlier, fingerprint);
        if (inFlight.TryGetValue(movement.Id, out var first))
        {
            // A copy of a movement still being written: answer as the first copy is answered.
            var result = await first;
            return result.Record is { } record ? Replayed(record, fingerprint) : await ApplyAsync(movement);
        }

        var pending = new PendingMovement(movement, new TaskCompletionSource<StockResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        waiting.Add(pending);
        inFlight[movement.Id] = pending.Done.Task;
        if (!flushing)
        {
            flushing = true;
            _ = FlushAsync();
        }
        try
        {
            return await pending.Done.Task;
        }
        finally
        {
            if (inFlight.TryGetValue(movement.Id, out var mine) && mine == pending.Done.Task)
                inFlight.Remove(movement.Id);
        }
    }

    /// <summary>
    /// Writes what has queued up while the previous write was in flight as one group: a hot SKU's
    /// movements share a commit instead of each waiting for its own. Runs one at a time per grain.
    /// </summary>
    private async Task FlushAsync()
    {
        try
        {
            while (waiting.Count > 0 && !broken)
                await FlushGroupAsync();
            foreach (var pending in waiting)
                pending.Done.TrySetException(new InvalidOperationException("The stock of this pair is reloading; retry the movement."));
            waiting.Clear();
        }
        finally
        {
            flushing = false;
        }
    }

    private async Task FlushGroupAsync()
    {
        var group = waiting.ToList();
        waiting.Clear();
        var running = level;
        var now = clock.GetUtcNow();
        var records = new List<(PendingMovement Pending, StockMovementRecord Record)>(group.Count);
        foreach (var pending in group)
        {
            var (record, error) = StockRules.Apply(running, pending.Movement, now);
            if (error is not null)
            {
                pending.Done.TrySetResult(StockResult.Refused(error));
                continue;
            }
            records.Add((pending, record!));
            running = record!.LevelAfter;
        }
        if (records.Count == 0)
            return;

        IReadOnlyList<AppendOutcome> outcomes;
        try
        {
            outcomes = await ledger.AppendManyAsync(records.Select(r => r.Record).ToList());
        }
        catch (Exception error)
        {
            // One statement: nothing of the group was written, and the level stays as it was.
            foreach (var (pending, _) in records)
                pending.Done.TrySetException(error);
            return;
        }

        for (var i = 0; i < records.Count; i++)
        {
            var (pending, record) = records[i];
            switch (outcomes[i])
            {
                case AppendOutcome.Appended:
                    level = record.LevelAfter;
                    Remember(record);
                    StockMetrics.Applied(record);
                    if (StockRules.WentNegative(record))
                        logger.LogInformation("Stock {StoreId}/{Sku} went negative: {OnHand}", record.StoreId, record.Sku, record.OnHandAfter);
                    pending.Done.TrySetResult(new StockResult(record, null));
                    break;
                case AppendOutcome.DuplicateMovement:
                    // A replay older than the idempotency window: the records after it assumed it applied, so reload.
                    MarkBroken(record.Version);
                    var first = await ledger.FindAsync(level.StoreId, level.Sku, record.MovementId);
                    pending.Done.TrySetResult(first is null
                        ? StockResult.Refused(new DomainError(ErrorCodes.InvalidState, "The movement could not be read back; retry it."))
                        : Replayed(first, StockRules.Fingerprint(pending.Movement)));
                    break;
                default:
                    // Someone else wrote this pair's next version: never overwrite, reload from the ledger.
                    MarkBroken(record.Version);
                    pending.Done.TrySetException(new InvalidOperationException("The stock of this pair changed elsewhere; retry the movement."));
                    break;
            }
        }
        Publish();
        if (!broken && level.Version - snapshot.State.Version >= SnapshotEvery)
            await SaveSnapshotAsync();
    }

    private void MarkBroken(long version)
    {
        if (!broken)
            logger.LogWarning("Stock {Key}: version {Version} not written as computed; reloading from the ledger", this.GetPrimaryKeyString(), version);
        broken = true;
        DeactivateOnIdle();
    }

    private sealed record PendingMovement(StockMovement Movement, TaskCompletionSource<StockResult> Done);

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
