using Retail.Common;
using Retail.Ledger;

namespace Retail.Stock;

/// <summary>
/// One pair's stock as its single writer sees it (pure): the committed level and head token, and the
/// movements staged on top, in order, each computed on the one before it. A commit of a staged row
/// confirms it and every row before it (the head moved through them); a failed commit takes its row
/// out and recomputes the rows after it on the new base, with fresh tokens, so a commit still in
/// flight with their old rows cannot land.
/// </summary>
public sealed class StockChain(StockLevel committed, string? committedToken)
{
    private readonly List<Entry> staged = [];

    public StockLevel Committed { get; private set; } = committed;

    public string? CommittedToken { get; private set; } = committedToken;

    public StockLevel Head => staged.Count > 0 ? staged[^1].Row.Record.LevelAfter : Committed;

    private string? HeadToken => staged.Count > 0 ? staged[^1].Row.Token : CommittedToken;

    /// <summary>Computes the movement on the head and stages it; the refusal when the rules refuse it.</summary>
    public (StagedMovement? Row, DomainError? Error) Stage(StockMovement movement, DateTimeOffset now)
    {
        var (record, error) = StockRules.Apply(Head, movement, now);
        if (error is not null)
            return (null, error);
        var row = new StagedMovement(record!, NewToken(), HeadToken);
        staged.Add(new Entry(movement, row, now));
        return (row, null);
    }

    /// <summary>The row staged now for a movement id (recomputed if an earlier row failed), or null.</summary>
    public StagedMovement? Current(string movementId) => staged.Find(e => e.Movement.Id == movementId)?.Row;

    /// <summary>The movement ids staged now, oldest first.</summary>
    public IReadOnlyList<string> StagedIds => staged.Select(e => e.Movement.Id).ToList();

    /// <summary>
    /// The commit holding this row went through: it and every row before it are committed. Null when the
    /// row is not the one staged now for that id (this writer's view is no longer the ledger's).
    /// </summary>
    public IReadOnlyList<StockMovementRecord>? Commit(string movementId, string token)
    {
        var at = staged.FindIndex(e => e.Movement.Id == movementId);
        if (at < 0 || staged[at].Row.Token != token)
            return null;
        var done = staged.Take(at + 1).Select(e => e.Row.Record).ToList();
        Committed = staged[at].Row.Record.LevelAfter;
        CommittedToken = token;
        staged.RemoveRange(0, at + 1);
        return done;
    }

    /// <summary>
    /// The commit holding this row failed: it leaves, and the rows after it are computed again on the new
    /// base. Returns the movements the rules now refuse (a reservation that no longer fits), which leave too.
    /// </summary>
    public IReadOnlyList<(string MovementId, DomainError Error)> Abort(string movementId)
    {
        var at = staged.FindIndex(e => e.Movement.Id == movementId);
        if (at < 0)
            return [];
        var after = staged.Skip(at + 1).ToList();
        staged.RemoveRange(at, staged.Count - at);
        var refused = new List<(string, DomainError)>();
        foreach (var entry in after)
        {
            var (record, error) = StockRules.Apply(Head, entry.Movement, entry.At);
            if (error is not null)
            {
                refused.Add((entry.Movement.Id, error));
                continue;
            }
            staged.Add(entry with { Row = new StagedMovement(record!, NewToken(), HeadToken) });
        }
        return refused;
    }

    /// <summary>
    /// The committed head was given a new token in the ledger (a fence): every staged row is computed again
    /// on it, with fresh tokens, leaving out <paramref name="dropped"/>. Returns the movements the rules now refuse.
    /// </summary>
    public IReadOnlyList<(string MovementId, DomainError Error)> Fence(string newToken, string dropped)
    {
        CommittedToken = newToken;
        var entries = staged.Where(e => e.Movement.Id != dropped).ToList();
        staged.Clear();
        var refused = new List<(string, DomainError)>();
        foreach (var entry in entries)
        {
            var (record, error) = StockRules.Apply(Head, entry.Movement, entry.At);
            if (error is not null)
                refused.Add((entry.Movement.Id, error));
            else
                staged.Add(entry with { Row = new StagedMovement(record!, NewToken(), HeadToken) });
        }
        return refused;
    }

    private static string NewToken() => Guid.NewGuid().ToString("N");

    private sealed record Entry(StockMovement Movement, StagedMovement Row, DateTimeOffset At);
}
