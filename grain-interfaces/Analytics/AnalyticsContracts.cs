namespace Retail.Analytics;

/// <summary>Sales in one hour or day of the store's local time. Revenue and units are net of refunds.</summary>
[GenerateSerializer, Immutable, Alias("SalesBucket")]
public sealed record SalesBucket(
    [property: Id(0)] DateTimeOffset Start,
    [property: Id(1)] int Receipts,
    [property: Id(2)] decimal Units,
    [property: Id(3)] decimal Revenue,
    [property: Id(4)] int Refunds,
    [property: Id(5)] decimal RefundAmount,
    [property: Id(6)] decimal AverageTicket);

[GenerateSerializer, Immutable, Alias("TopSku")]
public sealed record TopSku(
    [property: Id(0)] string Sku,
    [property: Id(1)] decimal Units,
    [property: Id(2)] decimal Revenue);

[GenerateSerializer, Immutable, Alias("AbcEntry")]
public sealed record AbcEntry(
    [property: Id(0)] string Sku,
    [property: Id(1)] decimal Revenue,
    [property: Id(2)] decimal Share,
    [property: Id(3)] string Class);

[GenerateSerializer, Immutable, Alias("WeekdayShare")]
public sealed record WeekdayShare(
    [property: Id(0)] DayOfWeek Day,
    [property: Id(1)] decimal AverageRevenue,
    [property: Id(2)] decimal Index);

/// <summary>Units of one SKU sold per local day, oldest first (net of refunds): the demand series for forecasting.</summary>
[GenerateSerializer, Immutable, Alias("DailyDemand")]
public sealed record DailyDemand(
    [property: Id(0)] string Sku,
    [property: Id(1)] DateOnly FirstDay,
    [property: Id(2)] IReadOnlyList<decimal> Units);

public enum BucketSize
{
    Hour,
    Day,
}

/// <summary>One store's sales figures, fed by the store's <c>receipts</c> stream. Key: <c>store/{storeId}</c>.</summary>
[Alias("IStoreAnalyticsGrain")]
public interface IStoreAnalyticsGrain : IGrainWithStringKey
{
    [Alias("Sales"), ReadOnly]
    Task<IReadOnlyList<SalesBucket>> SalesAsync(DateTimeOffset from, DateTimeOffset to, BucketSize bucket);

    [Alias("Top"), ReadOnly]
    Task<IReadOnlyList<TopSku>> TopAsync(DateTimeOffset from, DateTimeOffset to, bool byUnits, int limit);

    [Alias("Abc"), ReadOnly]
    Task<IReadOnlyList<AbcEntry>> AbcAsync(DateTimeOffset from, DateTimeOffset to);

    [Alias("Weekdays"), ReadOnly]
    Task<IReadOnlyList<WeekdayShare>> WeekdaysAsync();

    [Alias("Demand"), ReadOnly]
    Task<IReadOnlyList<DailyDemand>> DemandAsync(DateOnly until, int days);

    /// <summary>One SKU's daily units as <see cref="DemandAsync"/> has them; null when it sold nothing in the window.</summary>
    [Alias("SkuDemand"), ReadOnly]
    Task<DailyDemand?> SkuDemandAsync(string sku, DateOnly until, int days);

    /// <summary>How many receipts it has counted (for reconciliation with the journal).</summary>
    [Alias("Counted"), ReadOnly]
    Task<int> CountedReceiptsAsync();
}

/// <summary>The chain's figures: the sum of its stores'. Key: <c>chain</c>.</summary>
[Alias("IChainAnalyticsGrain")]
public interface IChainAnalyticsGrain : IGrainWithStringKey
{
    [Alias("Sales"), ReadOnly]
    Task<IReadOnlyList<SalesBucket>> SalesAsync(DateTimeOffset from, DateTimeOffset to, BucketSize bucket);

    [Alias("Top"), ReadOnly]
    Task<IReadOnlyList<TopSku>> TopAsync(DateTimeOffset from, DateTimeOffset to, bool byUnits, int limit);
}
