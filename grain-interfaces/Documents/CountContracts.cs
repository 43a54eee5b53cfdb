using Retail.Common;

namespace Retail.Documents;

/// <summary>A counted line: the figure found on the shelf, and the onHand the counter saw, if any (compare-and-set).</summary>
[GenerateSerializer, Immutable, Alias("CountLine")]
public sealed record CountLine(
    [property: Id(0)] string Sku,
    [property: Id(1)] decimal Counted,
    [property: Id(2)] decimal? ExpectedOnHand = null);

/// <summary>
/// A line of the discrepancy report: onHand when the line posted, the counted figure, the difference and its
/// value at the SKU's price. A refused line (a stale expectation) carries its problem and posted nothing.
/// <see cref="Listed"/> is false for a SKU a full count did not list (counted as zero).
/// </summary>
[GenerateSerializer, Immutable, Alias("CountLineResult")]
public sealed record CountLineResult(
    [property: Id(0)] string Sku,
    [property: Id(1)] decimal Counted,
    [property: Id(2)] decimal? Before,
    [property: Id(3)] decimal? Difference,
    [property: Id(4)] decimal? Value,
    [property: Id(5)] DomainError? Problem = null,
    [property: Id(6)] bool Listed = true);

[GenerateSerializer, Immutable, Alias("CountReport")]
public sealed record CountReport(
    [property: Id(0)] string Id,
    [property: Id(1)] string StoreId,
    [property: Id(2)] string Scope,
    [property: Id(3)] DateTimeOffset PostedAt,
    [property: Id(4)] IReadOnlyList<CountLineResult> Lines,
    [property: Id(5)] int Posted,
    [property: Id(6)] int Refused,
    [property: Id(7)] decimal Difference,
    [property: Id(8)] decimal Value);

public static class CountScopes
{
    /// <summary>Only the SKUs listed.</summary>
    public const string Partial = "partial";

    /// <summary>The whole store: a SKU in stock that is not listed counts as zero.</summary>
    public const string Full = "full";
}

/// <summary>A physical count (инвентаризация) of one store, posted in one step. Key: <c>count/{storeId}/{id}</c>.</summary>
[Alias("ICountGrain")]
public interface ICountGrain : IGrainWithStringKey
{
    /// <summary>Posts the count: countAdjustment movements for every line that is not stale; the report. Idempotent for the same body.</summary>
    [Alias("Post")]
    Task<Outcome<CountReport>> PostAsync(string scope, IReadOnlyList<CountLine> lines);

    [Alias("Get")]
    Task<CountReport?> GetAsync();
}
