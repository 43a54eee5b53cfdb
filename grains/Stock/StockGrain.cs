using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Retail.Common;
using Retail.Ledger;

namespace Retail.Stock;

/// <summary>
/// The single writer of one store's stock of one SKU. Every change is a row staged on the pair's
/// head (<see cref="StockChain"/>) and made durable by one commit that moves the head in the ledger
/// by compare-and-set: its own movements it commits itself (what queued up during a commit goes as
/// one group), a receipt's lines the register commits with the receipt's journal entry. Reads see
/// committed stock only. It activates from the pair's head in the ledger; there is no snapshot to
/// lose or to save. Calls interleave only to queue up and to settle.
/// </summary>
[Reentrant]
public sealed class StockGrain(IStockLedger ledger, ILedger commits, IClusterMembershipService membership, TimeProvider clock, StockMetrics metrics,
    ILogger<StockGrain> logger)
    : Grain, IStockGrain
{
    /// <summary>Movements kept in memory to answer a retry without a database round trip; older ones are found by the ledger's unique key.</summary>
    private const int IdempotencyWindow = 1024;

    /// <summary>The newest rows read on activation: enough for a till's quick retries; the window fills again as movements come.</summary>
    private const int RecalledOnActivation = 128;

    /// <summary>
    /// A staged row nobody settled is looked up in the ledger after this long, or as soon as membership has declared
    /// its committer's silo dead (a killed silo's rows would otherwise hold up every movement of the pair this long).
    /// </summary>
    private static readonly TimeSpan SettleWithin = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How long a commit refused for a row below it waits for that row to settle before it is tried again. Short: the row
    /// below may be waiting on this one (documents whose rows sit on each other's across pairs), and only a commit tried
    /// again, landing together with the others, breaks that circle.
    /// </summary>
    private static readonly TimeSpan BelowSettledPatience = TimeSpan.FromMilliseconds(100);

    // Each collection is made on first use: most of a million active pairs are only read, and an empty collection costs its bytes too.
    private Dictionary<string, StockMovementRecord>? recent;
    private Queue<string>? recentOrder;
    private List<PendingMovement>? waiting;
    private Dictionary<string, Task<Outcome<StockMovementRecord>>>? inFlight;
    private Dictionary<string, DomainError>? dropped;
    private Dictionary<string, long>? unsettled;
    private Dictionary<string, Staging>? stagedAt;

    /// <summary>Movements of the idempotency window by id, and their ids oldest first.</summary>
    private Dictionary<string, StockMovementRecord> Recent => recent ??= new(StringComparer.Ordinal);
    private Queue<string> RecentOrder => recentOrder ??= new();
    private List<PendingMovement> Waiting => waiting ??= [];
    private Dictionary<string, Task<Outcome<StockMovementRecord>>> InFlight => inFlight ??= new(StringComparer.Ordinal);
    /// <summary>Movements of an own group that a recomputation refused (a reservation that no longer fits).</summary>
    private Dictionary<string, DomainError> Dropped => dropped ??= new(StringComparer.Ordinal);
    /// <summary>Rows whose commit ended without an answer: looked up in the ledger by the timer (monotonic timestamps).</summary>
    private Dictionary<string, long> Unsettled => unsettled ??= new(StringComparer.Ordinal);
    /// <summary>
    /// When each staged row was staged (monotonic timestamps: waiting is measured in real time, whatever the business clock
    /// says), and the silo of the document that staged it (none for the grain's own movements).
    /// </summary>
    private Dictionary<string, Staging> StagedAt => stagedAt ??= new(StringComparer.Ordinal);

    private readonly record struct Staging(long At, SiloAddress? Committer);
    private StockChain chain = null!;
    /// <summary>The settling tick: registered when a row is staged, gone once none is, so an idle pair (most of a million) costs no timer.</summary>
    private IGrainTimer? settlingTimer;
    /// <summary>Made by the first who waits on a row below its own, completed and dropped when a staged row settles: the waiters wake up then.</summary>
    private TaskCompletionSource? settling;
    private bool flushing;
    private bool broken;

    private static DomainError Reloading() =>
        new(ErrorCodes.Unavailable, "The stock of this pair is reloading; retry the movement with the same id.");

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var (storeId, sku) = GrainKeys.ParseStock(this.GetPrimaryKeyString());
        var head = await ledger.ReadHeadAsync(storeId, sku);
        chain = new StockChain(head?.Level ?? StockLevel.Empty(storeId, sku), head?.Token);
        if (head is not null)
            foreach (var record in (await ledger.ReadHistoryAsync(storeId, sku, RecalledOnActivation, null)).Reverse())
                Remember(record);
        metrics.Observe(chain.Committed);
    }

    public Task<StockLevel> GetAsync() => Task.FromResult(chain.Committed);

    public Task<IReadOnlyList<StockMovementRecord>> HistoryAsync(int limit, long? beforeVersion)
    {
        var level = chain.Committed;
        return ledger.ReadHistoryAsync(level.StoreId, level.Sku, limit, beforeVersion);
    }

    public async Task<Outcome<StockMovementRecord>> ApplyAsync(StockMovement movement)
    {
        if (StockRules.Validate(movement) is { } invalid)
            return Outcome<StockMovementRecord>.Refused(invalid);
        if (broken)
            return Outcome<StockMovementRecord>.Refused(Reloading());

        var fingerprint = StockRules.Fingerprint(movement);
        if (Recent.TryGetValue(movement.Id, out var earlier))
            return Replayed(earlier, fingerprint);
        if (InFlight.TryGetValue(movement.Id, out var first))
        {
            // A copy of a movement still being written: answer as the first copy is answered.
            var result = await first;
            return result.Value is { } record ? Replayed(record, fingerprint) : result;
        }
        if (chain.Current(movement.Id) is not null)
            return Outcome<StockMovementRecord>.Refused(new DomainError(ErrorCodes.Unavailable, "This movement id is being committed; retry it.", "id"));

        var pending = new PendingMovement(movement, new TaskCompletionSource<Outcome<StockMovementRecord>>(TaskCreationOptions.RunContinuationsAsynchronously));
        Waiting.Add(pending);
        InFlight[movement.Id] = pending.Done.Task;
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
            if (InFlight.TryGetValue(movement.Id, out var mine) && mine == pending.Done.Task)
                InFlight.Remove(movement.Id);
        }
    }

    public Task<IReadOnlyList<StageResult>> StageAsync(IReadOnlyList<StockMovement> movements, SiloAddress committer) =>
        // No await in between: the movements of one document sit together on the chain, in order.
        Task.FromResult<IReadOnlyList<StageResult>>(movements.Select(m => Stage(m, committer)).ToList());

    private StageResult Stage(StockMovement movement, SiloAddress committer)
    {
        if (StockRules.Validate(movement) is { } invalid)
            return new StageResult(null, null, invalid);
        if (broken)
            return new StageResult(null, null, Reloading());
        if (Recent.TryGetValue(movement.Id, out var earlier))
            return earlier.Fingerprint == StockRules.Fingerprint(movement)
                ? new StageResult(null, earlier, null)
                : new StageResult(null, null, Conflict(earlier));
        if (chain.Current(movement.Id) is { } current)
        {
            // Staged by an earlier attempt whose commit ended without an answer: the same row, now the retry's to settle.
            Unsettled.Remove(movement.Id);
            StagedAt[movement.Id] = new Staging(Stopwatch.GetTimestamp(), committer);
            return new StageResult(current, null, null);
        }
        if (InFlight.ContainsKey(movement.Id))
            return new StageResult(null, null, new DomainError(ErrorCodes.Unavailable, "This movement id is being committed; retry it."));
        var (row, error) = chain.Stage(movement, clock.GetUtcNow());
        if (row is not null)
        {
            StagedAt[movement.Id] = new Staging(Stopwatch.GetTimestamp(), committer);
            WatchStaged();
        }
        return new StageResult(row, null, error);
    }

    public async Task<IReadOnlyList<StageResult>> RestageAsync(IReadOnlyList<string> movementIds)
    {
        // The rows of one document sit on each other: only those below its first are others' to settle.
        await UntilBelowSettledAsync(movementIds[0]);
        return movementIds.Select(Restaged).ToList();
    }

    private StageResult Restaged(string movementId)
    {
        if (chain.Current(movementId) is { } current)
            return new StageResult(current, null, null);
        if (Recent.TryGetValue(movementId, out var applied))
            return new StageResult(null, applied, null);
        return new StageResult(null, null, Dropped.Remove(movementId, out var refused) ? refused : Reloading());
    }

    /// <summary>
    /// Waits (a little) while the row of this movement sits on rows not committed yet: their committers
    /// settle them in a moment, and a commit tried again before that would only fail again.
    /// </summary>
    private async Task UntilBelowSettledAsync(string movementId)
    {
        var started = Stopwatch.GetTimestamp();
        while (chain.Current(movementId) is { } row && row.PreviousToken != chain.CommittedToken
               && BelowSettledPatience - Stopwatch.GetElapsedTime(started) is { Ticks: > 0 } left)
        {
            try
            {
                await (settling ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task.WaitAsync(left);
            }
            catch (TimeoutException)
            {
            }
        }
    }

    private void WatchStaged() =>
        settlingTimer ??= this.RegisterGrainTimer(SettleStaleAsync, new GrainTimerCreationOptions(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2)));

    private void Settled()
    {
        var settled = settling;
        settling = null;
        settled?.TrySetResult();
    }

    public Task SettleAsync(IReadOnlyList<SettledMovement> settled)
    {
        // Failed rows leave from the top down, as an own group's do: the rows above are computed again once, not at each step.
        foreach (var row in settled.Where(r => r.Settlement != Settlement.Failed).Concat(settled.Where(r => r.Settlement == Settlement.Failed).Reverse()))
            switch (row.Settlement)
            {
                case Settlement.Committed:
                    Committed(row.MovementId, row.Token);
                    break;
                case Settlement.Failed:
                    Abort(row.MovementId);
                    break;
                default:
                    Unsettled[row.MovementId] = Stopwatch.GetTimestamp();
                    break;
            }
        return Task.CompletedTask;
    }

    public async Task ConfirmAppliedAsync(string movementId)
    {
        if (Recent.ContainsKey(movementId))
            return;
        var level = chain.Committed;
        var found = await ledger.FindAsync(level.StoreId, level.Sku, movementId);
        if (found is null || Recent.ContainsKey(movementId))
            return;
        if (chain.Current(movementId) is { } row && row.Record.Version == found.Version && row.Record.Fingerprint == found.Fingerprint)
            Committed(movementId, row.Token);
        else if (found.Version > chain.Committed.Version)
            MarkBroken($"movement {movementId} is in the ledger beyond this activation's head");
    }

    /// <summary>
    /// Writes what has queued up while the previous commit was in flight as one group: a hot SKU's
    /// movements share a commit instead of each waiting for its own. Runs one at a time per grain.
    /// </summary>
    private async Task FlushAsync()
    {
        try
        {
            while (Waiting.Count > 0 && !broken)
                await FlushGroupAsync();
            foreach (var pending in Waiting)
                pending.Done.TrySetResult(Outcome<StockMovementRecord>.Refused(Reloading()));
            Waiting.Clear();
        }
        finally
        {
            flushing = false;
        }
    }

    private async Task FlushGroupAsync()
    {
        var group = new List<PendingMovement>(Waiting.Count);
        var now = clock.GetUtcNow();
        foreach (var pending in Waiting)
        {
            var (_, error) = chain.Stage(pending.Movement, now);
            if (error is not null)
                pending.Done.TrySetResult(Outcome<StockMovementRecord>.Refused(error));
            else
            {
                group.Add(pending);
                StagedAt[pending.Movement.Id] = new Staging(Stopwatch.GetTimestamp(), null);
                WatchStaged();
            }
        }
        Waiting.Clear();

        var started = Stopwatch.GetTimestamp();
        for (var attempt = 0; group.Count > 0; attempt++)
        {
            var rows = new List<StagedMovement>(group.Count);
            foreach (var pending in group.ToList())
            {
                if (chain.Current(pending.Movement.Id) is { } row)
                    rows.Add(row);
                else
                {
                    // An earlier row failed and this one no longer fits on the new base.
                    pending.Done.TrySetResult(Outcome<StockMovementRecord>.Refused(Dropped.Remove(pending.Movement.Id, out var refused) ? refused : Reloading()));
                    group.Remove(pending);
                }
            }
            if (rows.Count == 0)
                return;

            var committedBelow = chain.CommittedToken;
            CommitResult result;
            try
            {
                result = await commits.CommitAsync(LedgerCommit.Of(rows));
            }
            catch (Exception error) when (error is not OutOfMemoryException)
            {
                // Whether it was written is not known: the rows are looked up in the ledger, as after an answer lost.
                logger.LogWarning(error, "Stock {StoreId}/{Sku}: the ledger failed a commit of {Count} movements", chain.Committed.StoreId,
                    chain.Committed.Sku, rows.Count);
                result = new CommitResult(CommitOutcome.Unknown);
            }
            switch (result.Outcome)
            {
                case CommitOutcome.Committed:
                    foreach (var row in rows)
                        Committed(row.Record.MovementId, row.Token);
                    foreach (var pending in group)
                        pending.Done.TrySetResult(Recent.TryGetValue(pending.Movement.Id, out var record)
                            ? Outcome<StockMovementRecord>.Ok(record)
                            : Outcome<StockMovementRecord>.Refused(Reloading()));
                    return;
                case CommitOutcome.StockConflict when rows[0].PreviousToken != committedBelow && Stopwatch.GetElapsedTime(started) < JournaledStep.ConflictPatience:
                    // Staged on a row another committer has not landed yet: wait for it to settle, then try the rows as they stand.
                    await UntilBelowSettledAsync(rows[0].Record.MovementId);
                    if (attempt > 3)
                        await Task.Delay(TimeSpan.FromMilliseconds(10));
                    continue;
                case CommitOutcome.DuplicateMovement:
                    // Retries older than the window: answer them from the ledger, write the others again.
                    foreach (var row in Enumerable.Reverse(rows))
                        Abort(row.Record.MovementId);
                    foreach (var pending in group)
                    {
                        if (!result.Duplicates!.Contains(pending.Movement.Id))
                        {
                            Waiting.Add(pending);
                            continue;
                        }
                        var first = await ledger.FindAsync(chain.Committed.StoreId, chain.Committed.Sku, pending.Movement.Id);
                        pending.Done.TrySetResult(first is null ? Outcome<StockMovementRecord>.Refused(Reloading()) : Replayed(first, StockRules.Fingerprint(pending.Movement)));
                    }
                    return;
                case CommitOutcome.Unknown:
                    foreach (var row in rows)
                        Unsettled[row.Record.MovementId] = Stopwatch.GetTimestamp();
                    foreach (var pending in group)
                        pending.Done.TrySetResult(Outcome<StockMovementRecord>.Refused(new DomainError(ErrorCodes.Unavailable,
                            "The database went away while this movement was committed; retry it with the same id.")));
                    return;
                default:
                    foreach (var row in Enumerable.Reverse(rows))
                        Abort(row.Record.MovementId);
                    if (result.Outcome == CommitOutcome.StockConflict && rows[0].PreviousToken == committedBelow)
                        // Nothing of ours was pending below it, yet the head had moved: someone else writes this pair.
                        MarkBroken("its head moved elsewhere");
                    var answer = result.Outcome == CommitOutcome.Rejected
                        ? new DomainError(ErrorCodes.ValidationFailed, "The movement holds a value the ledger cannot store.")
                        : new DomainError(ErrorCodes.Unavailable, "The stock ledger is not available; retry the movement with the same id.");
                    foreach (var pending in group)
                        pending.Done.TrySetResult(Outcome<StockMovementRecord>.Refused(answer));
                    return;
            }
        }
    }

    private void Committed(string movementId, string token)
    {
        if (Recent.ContainsKey(movementId))
            return;
        var records = chain.Commit(movementId, token);
        if (records is null)
        {
            MarkBroken($"movement {movementId} was committed as a row it no longer holds");
            return;
        }
        foreach (var record in records)
        {
            Remember(record);
            Unsettled.Remove(record.MovementId);
            StagedAt.Remove(record.MovementId);
            metrics.Applied(record);
            if (StockRules.WentNegative(record))
                logger.LogInformation("Stock {StoreId}/{Sku} went negative: {OnHand}", record.StoreId, record.Sku, record.OnHandAfter);
        }
        Settled();
        Publish();
    }

    private void Abort(string movementId)
    {
        Unsettled.Remove(movementId);
        StagedAt.Remove(movementId);
        // Its committer gave it up: nobody asks again why a recomputation refused it.
        dropped?.Remove(movementId);
        foreach (var (id, error) in chain.Abort(movementId))
        {
            Dropped[id] = error;
            StagedAt.Remove(id);
        }
        Settled();
    }

    /// <summary>
    /// The settling tick: stale rows from the lowest up, one after another while each is settled (a killed silo's
    /// registers may have stacked several on a hot pair); the tick goes away when no row is staged.
    /// </summary>
    private async Task SettleStaleAsync(CancellationToken cancellationToken)
    {
        while (await SettleLowestAsync())
        {
        }
        if (chain.StagedIds.Count == 0)
        {
            settlingTimer?.Dispose();
            settlingTimer = null;
        }
    }

    /// <summary>
    /// The lowest staged row, when nobody settled it (its committer died, or the database went away mid-commit):
    /// found in the ledger, it is committed; not found, the head is fenced with a new token, so a commit of it
    /// still in flight can never land, and the row leaves the chain. True when the row was settled either way.
    /// </summary>
    private async Task<bool> SettleLowestAsync()
    {
        if (chain.StagedIds is not [var movementId, ..] || chain.Current(movementId) is not { } row)
            return false;
        var stale = !StagedAt.TryGetValue(movementId, out var staging) || Stopwatch.GetElapsedTime(staging.At) > SettleWithin
                    || (staging.Committer is { } committer && membership.CurrentSnapshot.GetSiloStatus(committer) == SiloStatus.Dead)
                    || (Unsettled.TryGetValue(movementId, out var lost) && Stopwatch.GetElapsedTime(lost) > TimeSpan.FromSeconds(1));
        if (!stale)
            return false;
        var level = chain.Committed;
        var fence = Guid.NewGuid().ToString("N");
        try
        {
            if (await ledger.FindAsync(level.StoreId, level.Sku, movementId) is { } found)
            {
                if (chain.Current(movementId) is { } still && still.Record.Version == found.Version && still.Record.Fingerprint == found.Fingerprint)
                {
                    Committed(movementId, still.Token);
                    return true;
                }
                if (!Recent.ContainsKey(movementId))
                    MarkBroken($"movement {movementId} is in the ledger at another version");
                return false;
            }
            // While the ledger was asked, a retry of the same document (its register active again elsewhere) may have
            // taken the row over: it is that committer's to settle now, not to fence.
            if (chain.Current(movementId) != row || chain.CommittedToken != row.PreviousToken
                || !StagedAt.TryGetValue(movementId, out var now) || now != staging)
                return false;
            if (!await ledger.FenceAsync(level.StoreId, level.Sku, level.Version, chain.CommittedToken, fence))
            {
                // The head moved after all: the row landed (its settlement may have come meanwhile), or another activation wrote.
                if (await ledger.FindAsync(level.StoreId, level.Sku, movementId) is { } landed && chain.Current(movementId) is { } current
                    && current.Record.Version == landed.Version)
                {
                    Committed(movementId, current.Token);
                    return true;
                }
                if (!Recent.ContainsKey(movementId))
                    MarkBroken($"its head moved while movement {movementId} was unsettled");
                return false;
            }
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            logger.LogWarning(error, "Stock {Key}: could not settle movement {MovementId} yet", this.GetPrimaryKeyString(), movementId);
            return false;
        }
        logger.LogInformation("Stock {Key}: movement {MovementId} was never committed; fenced and left out", this.GetPrimaryKeyString(), movementId);
        Unsettled.Remove(movementId);
        StagedAt.Remove(movementId);
        foreach (var (id, error) in chain.Fence(fence, movementId))
        {
            Dropped[id] = error;
            StagedAt.Remove(id);
        }
        Settled();
        return true;
    }

    private void MarkBroken(string why)
    {
        if (!broken)
            logger.LogWarning("Stock {Key}: {Why}; reloading from the ledger", this.GetPrimaryKeyString(), why);
        broken = true;
        DeactivateOnIdle();
    }

    private sealed record PendingMovement(StockMovement Movement, TaskCompletionSource<Outcome<StockMovementRecord>> Done);

    private static DomainError Conflict(StockMovementRecord first) =>
        new(ErrorCodes.IdempotencyConflict, $"Movement {first.MovementId} was already applied with a different body.", "id");

    private static Outcome<StockMovementRecord> Replayed(StockMovementRecord first, string fingerprint) =>
        first.Fingerprint == fingerprint ? Outcome<StockMovementRecord>.Ok(first, replayed: true) : Outcome<StockMovementRecord>.Refused(Conflict(first));

    private void Remember(StockMovementRecord record)
    {
        if (Recent.TryAdd(record.MovementId, record))
            RecentOrder.Enqueue(record.MovementId);
        while (RecentOrder.Count > IdempotencyWindow)
            Recent.Remove(RecentOrder.Dequeue());
    }

    private void Publish()
    {
        var level = chain.Committed;
        GrainFactory.Get<IStoreStockGrain>(GrainKeys.Store(level.StoreId)).ChangedAsync(level).Ignore();
        GrainFactory.Get<ISkuStockGrain>(GrainKeys.Sku(level.Sku)).ChangedAsync(level).Ignore();
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        metrics.Deactivated(chain.Committed);
        return Task.CompletedTask;
    }
}
