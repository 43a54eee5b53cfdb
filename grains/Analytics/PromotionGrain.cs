using Retail.Common;
using Retail.Procurement;

namespace Retail.Analytics;

[GenerateSerializer, Alias("PromotionState")]
public sealed class PromotionState
{
    [Id(0)] public Promotion? Promotion { get; set; }
}

/// <summary>
/// Promotion uplift: each store's demand before the window is fitted (weekly-seasonal smoothing) and
/// forecast over the window, as if there were no promotion; uplift = actual / expected - 1.
/// </summary>
public sealed class PromotionGrain(
    [PersistentState("promotion", StorageNames.Analytics)] IPersistentState<PromotionState> state) : Grain, IPromotionGrain
{
    private const int HistoryDays = 56;

    public async Task<Promotion> DefineAsync(Promotion promotion)
    {
        state.State.Promotion = promotion;
        await state.WriteStateAsync();
        return promotion;
    }

    public async Task<PromotionReport?> ReportAsync()
    {
        if (state.State.Promotion is not { } promotion)
            return null;
        var stores = promotion.StoreIds.Count > 0
            ? promotion.StoreIds
            : await GrainFactory.Get<Catalog.IChainGrain>(GrainKeys.Chain).StoreIdsAsync();
        var days = promotion.To.DayNumber - promotion.From.DayNumber + 1;
        var demand = await Task.WhenAll(stores.Select(store => GrainFactory.Get<IStoreAnalyticsGrain>(GrainKeys.Store(store))
            .DemandAsync(promotion.To, HistoryDays + days)));
        var uplifts = promotion.Skus.Select(sku =>
        {
            decimal actual = 0, expected = 0;
            foreach (var series in demand.SelectMany(d => d).Where(d => d.Sku == sku))
            {
                var (a, e) = Measure(series, promotion.From, promotion.To);
                actual += a;
                expected += e;
            }
            return new PromotionUplift(sku, actual, Math.Round(expected, 3), expected > 0 ? Math.Round(actual / expected - 1, 4) : null);
        }).ToList();
        return new PromotionReport(promotion, uplifts);
    }

    /// <summary>Units sold in [from, to] and the units the pre-promotion history forecasts for those days.</summary>
    public static (decimal Actual, decimal Expected) Measure(DailyDemand series, DateOnly from, DateOnly to)
    {
        var before = from.DayNumber - series.FirstDay.DayNumber;
        if (before <= 0)
            return (series.Units.Sum(), 0);
        var fit = DemandForecast.Fit(series.Units.Take(before).ToList(), series.FirstDay);
        decimal actual = 0, expected = 0;
        for (var day = from; day <= to; day = day.AddDays(1))
        {
            var index = day.DayNumber - series.FirstDay.DayNumber;
            actual += index < series.Units.Count ? series.Units[index] : 0;
            expected += fit.For(day);
        }
        return (actual, expected);
    }
}
