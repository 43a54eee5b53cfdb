using Microsoft.AspNetCore.Http.HttpResults;
using Retail.Access;
using Retail.Analytics;
using Retail.Api.Access;
using Retail.Api.Catalog;
using Retail.Api.Http;
using Retail.Api.Stock;
using Retail.Catalog;
using Retail.Common;
using Retail.Procurement;
using Retail.Registers.Fiscal;

namespace Retail.Api.Analytics;

public sealed record PromotionBody(IReadOnlyList<string>? Skus, DateOnly? From, DateOnly? To, IReadOnlyList<string>? StoreIds);

public sealed record SalesReport(IReadOnlyList<SalesBucket> Buckets, DateTimeOffset From, DateTimeOffset To, string Bucket);

/// <summary>Units sold on one local day (or forecast for it).</summary>
public sealed record DailyUnits(DateOnly Date, decimal Units);

/// <summary>A SKU's daily sales in a store up to today, and the forecast for the days after.</summary>
public sealed record SkuDailySales(string StoreId, string Sku, IReadOnlyList<DailyUnits> Days, IReadOnlyList<DailyUnits> Forecast);

/// <summary>Sales figures per store and chain-wide (API.md, "Analytics and procurement").</summary>
public static class AnalyticsApi
{
    private const int MaxDays = 800;

    public static IEndpointRouteBuilder MapAnalyticsApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/v1/analytics").WithTags("Analytics");
        // A manager sees the figures of its own stores; the chain and promotions are the admin's.
        var store = api.MapGroup("/stores/{storeId}").RequireRole(ApiRole.Manager).ScopedToStore()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        // The query's faults come before the store's: only an endpoint without them has the store checked up front.
        store.MapGet("/sales", StoreSales).WithName("StoreSales").WithSummary("Receipts, units, revenue, refunds and average ticket by hour or day");
        store.MapGet("/top", StoreTop).WithName("StoreTop").WithSummary("Top SKUs by revenue or units");
        store.MapGet("/abc", StoreAbc).WithName("StoreAbc").WithSummary("ABC classes by revenue (80/15/5)");
        store.MapGet("/weekdays", StoreWeekdays).WithName("StoreWeekdays").WithSummary("Average revenue per weekday and its index")
            .KnownStore();
        store.MapGet("/skus/{sku}/daily", SkuDaily).WithName("SkuDailySales")
            .WithSummary("A SKU's units sold per local day in the store, and the demand forecast for the days ahead");
        api.MapGet("/chain/sales", ChainSales).WithName("ChainSales").WithSummary("The chain's sales by hour or day")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        api.MapGet("/chain/top", ChainTop).WithName("ChainTop").WithSummary("The chain's top SKUs")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        routes.MapPut("/api/v1/promotions/{id}", PutPromotion).WithTags("Analytics").WithName("PutPromotion")
            .WithSummary("Define a promotion: SKUs on offer between two local dates, in some or all stores")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        routes.MapGet("/api/v1/promotions/{id}", GetPromotion).WithTags("Analytics").WithName("GetPromotion")
            .WithSummary("A promotion's uplift: units sold in its window against the forecast without it")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return routes;
    }

    private static (DateTimeOffset From, DateTimeOffset To, DomainError? Error) Period(DateTimeOffset? from, DateTimeOffset? to, TimeSpan defaultLength, TimeProvider clock)
    {
        var end = to ?? clock.GetUtcNow();
        var start = from ?? end - defaultLength;
        if (start >= end)
            return (start, end, new DomainError(ErrorCodes.ValidationFailed, "'from' must be before 'to'.", "from"));
        if (end - start > TimeSpan.FromDays(MaxDays))
            return (start, end, new DomainError(ErrorCodes.ValidationFailed, $"A period is at most {MaxDays} days.", "to"));
        return (start, end, null);
    }

    private static (BucketSize Size, DomainError? Error) Bucket(string? bucket) => bucket switch
    {
        null or "hour" => (BucketSize.Hour, null),
        "day" => (BucketSize.Day, null),
        _ => (BucketSize.Hour, new DomainError(ErrorCodes.ValidationFailed, "The bucket is hour or day.", "bucket")),
    };

    private static (bool ByUnits, DomainError? Error) By(string? by) => by switch
    {
        null or "revenue" => (false, null),
        "units" => (true, null),
        _ => (false, new DomainError(ErrorCodes.ValidationFailed, "Rank by revenue or units.", "by")),
    };

    private static DomainError? Limit(int limit) =>
        limit is < 1 or > 1000 ? new DomainError(ErrorCodes.ValidationFailed, "A limit is 1 to 1000.", "limit") : null;

    private static async Task<Results<Ok<SalesReport>, ProblemHttpResult>> StoreSales(string storeId, IGrainFactory grains, KnownCatalog known, TimeProvider clock,
        DateTimeOffset? from = null, DateTimeOffset? to = null, string? bucket = null)
    {
        var (size, bucketError) = Bucket(bucket);
        var (start, end, periodError) = Period(from, to, size == BucketSize.Hour ? TimeSpan.FromDays(1) : TimeSpan.FromDays(30), clock);
        if ((Validation.First(bucketError, periodError) ?? await known.CheckStoreAsync(storeId)) is { } error)
            return Problems.Of(error);
        var buckets = await grains.Get<IStoreAnalyticsGrain>(GrainKeys.Store(storeId)).SalesAsync(start, end, size);
        return TypedResults.Ok(new SalesReport(buckets, start, end, size == BucketSize.Hour ? "hour" : "day"));
    }

    private static async Task<Results<Ok<IReadOnlyList<TopSku>>, ProblemHttpResult>> StoreTop(
        string storeId, IGrainFactory grains, KnownCatalog known, TimeProvider clock,
        DateTimeOffset? from = null, DateTimeOffset? to = null, string? by = null, int limit = 10)
    {
        var (byUnits, byError) = By(by);
        var (start, end, periodError) = Period(from, to, TimeSpan.FromDays(30), clock);
        if ((Validation.First(byError, periodError, Limit(limit)) ?? await known.CheckStoreAsync(storeId)) is { } error)
            return Problems.Of(error);
        return TypedResults.Ok(await grains.Get<IStoreAnalyticsGrain>(GrainKeys.Store(storeId)).TopAsync(start, end, byUnits, limit));
    }

    private static async Task<Results<Ok<IReadOnlyList<AbcEntry>>, ProblemHttpResult>> StoreAbc(
        string storeId, IGrainFactory grains, KnownCatalog known, TimeProvider clock, DateTimeOffset? from = null, DateTimeOffset? to = null)
    {
        var (start, end, periodError) = Period(from, to, TimeSpan.FromDays(90), clock);
        if ((periodError ?? await known.CheckStoreAsync(storeId)) is { } error)
            return Problems.Of(error);
        return TypedResults.Ok(await grains.Get<IStoreAnalyticsGrain>(GrainKeys.Store(storeId)).AbcAsync(start, end));
    }

    private static async Task<Ok<IReadOnlyList<WeekdayShare>>> StoreWeekdays(string storeId, IGrainFactory grains) =>
        TypedResults.Ok(await grains.Get<IStoreAnalyticsGrain>(GrainKeys.Store(storeId)).WeekdaysAsync());

    /// <summary>The days of history and of forecast one curve shows at most.</summary>
    public const int MaxCurveDays = 90;

    private static async Task<Results<Ok<SkuDailySales>, ProblemHttpResult>> SkuDaily(
        string storeId, string sku, IGrainFactory grains, KnownCatalog known, TimeProvider clock, int days = 28, int ahead = 7)
    {
        var error = Validation.First(
            Validation.Key(sku, "sku"),
            days is < 1 or > MaxCurveDays ? new DomainError(ErrorCodes.ValidationFailed, $"days is 1 to {MaxCurveDays}.", "days") : null,
            ahead is < 0 or > MaxCurveDays ? new DomainError(ErrorCodes.ValidationFailed, $"ahead is 0 to {MaxCurveDays}.", "ahead") : null)
            ?? await known.CheckStoreAsync(storeId);
        if (error is not null)
            return Problems.Of(error);
        var store = await grains.Get<IStoreGrain>(GrainKeys.Store(storeId)).GetAsync();
        FiscalDrive.TryFindZone(store?.TimeZone, out var zone);
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), zone).DateTime);
        var demand = await grains.Get<IStoreAnalyticsGrain>(GrainKeys.Store(storeId)).SkuDemandAsync(sku, today, days);
        var first = today.AddDays(-days + 1);
        // Days before the SKU's first sale in the window are days without history, shown as nothing sold.
        var sold = Enumerable.Range(0, days).Select(i => first.AddDays(i)).Select(day => new DailyUnits(day,
            demand is not null && day >= demand.FirstDay ? demand.Units[day.DayNumber - demand.FirstDay.DayNumber] : 0m)).ToList();
        var forecast = demand is null ? null : DemandForecast.Fit(demand.Units, demand.FirstDay);
        var coming = Enumerable.Range(1, ahead).Select(i => today.AddDays(i))
            .Select(day => new DailyUnits(day, forecast?.For(day) ?? 0m)).ToList();
        return TypedResults.Ok(new SkuDailySales(storeId, sku, sold, coming));
    }

    private static async Task<Results<Ok<Promotion>, ProblemHttpResult>> PutPromotion(string id, PromotionBody body, IGrainFactory grains, KnownCatalog known)
    {
        var skus = body.Skus ?? [];
        var stores = body.StoreIds ?? [];
        var error = Validation.First(
            Validation.ClientId(id, "id"),
            skus.Count is < 1 or > 1000 ? new DomainError(ErrorCodes.ValidationFailed, "A promotion has 1 to 1000 SKUs.", "skus") : null,
            Validation.Required(body.From, "from"),
            Validation.Required(body.To, "to"),
            body.From > body.To ? new DomainError(ErrorCodes.ValidationFailed, "'from' is on or before 'to'.", "from") : null,
            body.To?.DayNumber - body.From?.DayNumber > 366 ? new DomainError(ErrorCodes.ValidationFailed, "A promotion lasts at most a year.", "to") : null);
        for (var i = 0; error is null && i < skus.Count; i++)
            error = await known.CheckSkuAsync(skus[i]);
        for (var i = 0; error is null && i < stores.Count; i++)
            error = await known.CheckStoreAsync(stores[i]);
        if (error is not null)
            return Problems.Of(error);
        var promotion = await grains.Get<IPromotionGrain>(GrainKeys.Promotion(id))
            .DefineAsync(new Promotion(id, skus.Distinct().ToList(), body.From!.Value, body.To!.Value, stores.Distinct().ToList()));
        return TypedResults.Ok(promotion);
    }

    private static async Task<Results<Ok<PromotionReport>, ProblemHttpResult>> GetPromotion(string id, IGrainFactory grains) =>
        Validation.ClientId(id, "id") is null && await grains.Get<IPromotionGrain>(GrainKeys.Promotion(id)).ReportAsync() is { } report
            ? TypedResults.Ok(report)
            : Problems.NotFound($"Promotion {id}");

    private static async Task<Results<Ok<SalesReport>, ProblemHttpResult>> ChainSales(IGrainFactory grains, TimeProvider clock,
        DateTimeOffset? from = null, DateTimeOffset? to = null, string? bucket = null)
    {
        var (size, bucketError) = Bucket(bucket);
        var (start, end, periodError) = Period(from, to, size == BucketSize.Hour ? TimeSpan.FromDays(1) : TimeSpan.FromDays(30), clock);
        if (Validation.First(bucketError, periodError) is { } error)
            return Problems.Of(error);
        var buckets = await grains.Get<IChainAnalyticsGrain>(GrainKeys.Chain).SalesAsync(start, end, size);
        return TypedResults.Ok(new SalesReport(buckets, start, end, size == BucketSize.Hour ? "hour" : "day"));
    }

    private static async Task<Results<Ok<IReadOnlyList<TopSku>>, ProblemHttpResult>> ChainTop(IGrainFactory grains, TimeProvider clock,
        DateTimeOffset? from = null, DateTimeOffset? to = null, string? by = null, int limit = 10)
    {
        var (byUnits, byError) = By(by);
        var (start, end, periodError) = Period(from, to, TimeSpan.FromDays(30), clock);
        if (Validation.First(byError, periodError, Limit(limit)) is { } error)
            return Problems.Of(error);
        return TypedResults.Ok(await grains.Get<IChainAnalyticsGrain>(GrainKeys.Chain).TopAsync(start, end, byUnits, limit));
    }
}
