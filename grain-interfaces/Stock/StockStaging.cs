namespace Retail.Stock;

/// <summary>
/// A ledger row a stock grain has computed on top of its head, not yet durable. <see cref="Token"/>
/// names this staging; <see cref="PreviousToken"/> the head it was computed on (null for a pair's
/// first version). The commit moves the pair's head from (version - 1, previous token) to this row,
/// or fails: a row is never written on top of a head it was not computed on.
/// </summary>
[GenerateSerializer, Immutable, Alias("StagedMovement")]
public sealed record StagedMovement(
    [property: Id(0)] StockMovementRecord Record,
    [property: Id(1)] string Token,
    [property: Id(2)] string? PreviousToken);

/// <summary>
/// The answer to staging a movement: the row to commit, or the record it already has in the ledger
/// (a replay: nothing to commit), or the refusal.
/// </summary>
[GenerateSerializer, Immutable, Alias("StageResult")]
public sealed record StageResult(
    [property: Id(0)] StagedMovement? Staged,
    [property: Id(1)] StockMovementRecord? Applied,
    [property: Id(2)] Common.DomainError? Error);

/// <summary>How the commit holding staged rows ended, as the committer tells the stock grain.</summary>
[GenerateSerializer, Alias("Settlement")]
public enum Settlement
{
    Committed = 0,
    /// <summary>Nothing was written: the rows leave the chain.</summary>
    Failed = 1,
    /// <summary>The database went away during the commit: the grain looks its rows up in the ledger later.</summary>
    Unknown = 2,
}

/// <summary>One staged row and how its commit ended.</summary>
[GenerateSerializer, Immutable, Alias("SettledMovement")]
public sealed record SettledMovement(
    [property: Id(0)] string MovementId,
    [property: Id(1)] string Token,
    [property: Id(2)] Settlement Settlement);
