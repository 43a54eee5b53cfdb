using Microsoft.Extensions.Logging;
using Retail.Common;
using Retail.Registers;
using Retail.Stock;

namespace Retail.Ledger;

/// <summary>
/// The one durable step of a document that moves stock: its movements are staged on their stock
/// grains (each computed on its pair's head), then the journal entry and every staged row commit in
/// one transaction, then each stock grain is told how it ended. A run of a register's consecutive
/// entries (a batch of device receipts) goes the same way as one: all of them, or none. A crash anywhere leaves all of it or
/// none of it: rows staged by a committer that died are looked up in the ledger by their grain.
/// </summary>
public sealed class JournaledStep(IGrainFactory grains, ILedger ledger, ILocalSiloDetails silo, ILogger<JournaledStep> logger)
{
    /// <summary>How long a commit waits for rows staged before its own (another register's receipt on the same SKU) to land.</summary>
    public static readonly TimeSpan ConflictPatience = TimeSpan.FromSeconds(2);

    /// <summary>The outcome of the commit, and the refusal of a movement when a stock grain refused to stage one.</summary>
    public sealed record Result(CommitOutcome Outcome, DomainError? Refusal = null);

    public async Task<Result> CommitAsync(IReadOnlyList<JournalEntry> entries, IReadOnlyList<PlannedMovement> movements)
    {

        // One call per pair: a document's movements on one pair are staged together and in order.
        var byPair = movements.Select((m, i) => (m, i)).GroupBy(x => (x.m.StoreId, x.m.Sku)).ToList();
        var staging = new StageResult[movements.Count];
        await Task.WhenAll(byPair.Select(async pair =>
        {
            var planned = pair.ToList();
            IReadOnlyList<StageResult> results;
            try
            {
                results = await Grain(planned[0].m).StageAsync(planned.Select(x => x.m.Movement).ToList(), silo.SiloAddress);
            }
            catch (Exception error) when (error is not OutOfMemoryException)
            {
                logger.LogWarning(error, "Stock {StoreId}/{Sku} did not stage {Count} movements", pair.Key.StoreId, pair.Key.Sku, planned.Count);
                var unavailable = new StageResult(null, null, new DomainError(ErrorCodes.Unavailable, "The stock of a line is moving between nodes; retry."));
                results = planned.Select(_ => unavailable).ToList();
            }
            for (var k = 0; k < planned.Count; k++)
                staging[planned[k].i] = results[k];
        }));
        var rows = new List<(PlannedMovement Planned, StagedMovement Row)>();
        for (var i = 0; i < movements.Count; i++)
            if (staging[i].Staged is { } row)
                rows.Add((movements[i], row));
        if (staging.FirstOrDefault(s => s.Error is not null)?.Error is { } refused)
        {
            await SettleAsync(rows, Settlement.Failed);
            return new Result(refused.Code == ErrorCodes.Unavailable ? CommitOutcome.Unavailable : CommitOutcome.Rejected, refused);
        }

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        for (var attempt = 0; ; attempt++)
        {
            CommitResult result;
            try
            {
                result = await ledger.CommitAsync(new LedgerCommit(entries, rows.Select(r => r.Row).ToList()));
            }
            catch (Exception error) when (error is not OutOfMemoryException)
            {
                // Whether it was written is not known: the journal and the stock grains' lookups decide.
                logger.LogWarning(error, "The ledger failed a commit of {RegisterId} sequence {Sequence} ({Count} entries)",
                    entries[0].RegisterId, entries[0].Sequence, entries.Count);
                result = new CommitResult(CommitOutcome.Unknown);
            }
            switch (result.Outcome)
            {
                case CommitOutcome.Committed:
                    await SettleAsync(rows, Settlement.Committed);
                    return new Result(CommitOutcome.Committed);
                case CommitOutcome.StockConflict when System.Diagnostics.Stopwatch.GetElapsedTime(started) < ConflictPatience:
                    // A row below ours has not landed yet, or failed and ours was computed again: the stock grains
                    // answer once the rows below have settled, with our rows as they stand then.
                    var restaged = await RestageAsync(rows);
                    if (restaged is null)
                    {
                        await SettleAsync(rows, Settlement.Failed);
                        return new Result(CommitOutcome.Unavailable);
                    }
                    if (restaged.Select(r => r.Row.Token).SequenceEqual(rows.Select(r => r.Row.Token)))
                        await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(20, attempt + 1)));
                    rows = restaged;
                    continue;
                case CommitOutcome.DuplicateMovement:
                    // Lines a replay of this document already applied: leave them out, commit the rest.
                    var applied = rows.Where(r => result.Duplicates!.Contains(r.Row.Record.MovementId)).ToList();
                    await SettleAsync(applied, Settlement.Failed);
                    rows = rows.Except(applied).ToList();
                    continue;
                case CommitOutcome.Unknown:
                    await SettleAsync(rows, Settlement.Unknown);
                    return new Result(CommitOutcome.Unknown);
                default:
                    await SettleAsync(rows, Settlement.Failed);
                    return new Result(result.Outcome);
            }
        }
    }

    private IStockGrain Grain(PlannedMovement movement) => grains.Get<IStockGrain>(GrainKeys.Stock(movement.StoreId, movement.Sku));

    /// <summary>The rows as their stock grains hold them now, asked once per pair (a document's rows on one pair sit on each other).</summary>
    private async Task<List<(PlannedMovement Planned, StagedMovement Row)>?> RestageAsync(List<(PlannedMovement Planned, StagedMovement Row)> rows)
    {
        try
        {
            var byPair = rows.Select((r, i) => (r, i)).GroupBy(x => (x.r.Planned.StoreId, x.r.Planned.Sku)).ToList();
            var current = new StageResult[rows.Count];
            var answers = await Task.WhenAll(byPair.Select(pair =>
                Grain(pair.First().r.Planned).RestageAsync(pair.Select(x => x.r.Row.Record.MovementId).ToList())));
            for (var p = 0; p < byPair.Count; p++)
                foreach (var ((_, i), k) in byPair[p].Select((x, k) => (x, k)))
                    current[i] = answers[p][k];
            if (current.Any(c => c.Staged is null))
                return null;
            return rows.Select((r, i) => (r.Planned, current[i].Staged!)).ToList();
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            logger.LogWarning(error, "Restaging a document's stock failed");
            return null;
        }
    }

    /// <summary>Best effort, one call per pair: a grain that does not hear of it looks its rows up in the ledger later.</summary>
    private async Task SettleAsync(IEnumerable<(PlannedMovement Planned, StagedMovement Row)> rows, Settlement settlement)
    {
        try
        {
            await Task.WhenAll(rows.GroupBy(r => (r.Planned.StoreId, r.Planned.Sku)).Select(pair => Grain(pair.First().Planned).SettleAsync(
                pair.Select(r => new SettledMovement(r.Row.Record.MovementId, r.Row.Token, settlement)).ToList())));
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            logger.LogWarning(error, "Settling a document's stock ({Settlement}) did not reach every stock grain", settlement);
        }
    }
}
