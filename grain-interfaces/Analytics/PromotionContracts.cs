using Retail.Common;

namespace Retail.Analytics;

/// <summary>A promotion: some SKUs on offer between two local dates (inclusive), in some or all stores.</summary>
[GenerateSerializer, Immutable, Alias("Promotion")]
public sealed record Promotion(
    [property: Id(0)] string Id,
    [property: Id(1)] IReadOnlyList<string> Skus,
    [property: Id(2)] DateOnly From,
    [property: Id(3)] DateOnly To,
    [property: Id(4)] IReadOnlyList<string> StoreIds);

/// <summary>Sales of one SKU in the promotion window against the forecast without the promotion.</summary>
[GenerateSerializer, Immutable, Alias("PromotionUplift")]
public sealed record PromotionUplift(
    [property: Id(0)] string Sku,
    [property: Id(1)] decimal ActualUnits,
    [property: Id(2)] decimal ExpectedUnits,
    [property: Id(3)] decimal? Uplift);

[GenerateSerializer, Immutable, Alias("PromotionReport")]
public sealed record PromotionReport(
    [property: Id(0)] Promotion Promotion,
    [property: Id(1)] IReadOnlyList<PromotionUplift> Skus);

/// <summary>Key: <c>promo/{id}</c>.</summary>
[Alias("IPromotionGrain")]
public interface IPromotionGrain : IGrainWithStringKey
{
    [Alias("Define")]
    Task<Promotion> DefineAsync(Promotion promotion);

    [Alias("Report")]
    Task<PromotionReport?> ReportAsync();
}
