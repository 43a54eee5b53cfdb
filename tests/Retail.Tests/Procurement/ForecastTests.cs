using Retail.Analytics;
using Retail.Catalog;
using Retail.Procurement;
using Retail.Registers.Fiscal;
using Retail.Stock;

namespace Retail.Tests.Procurement;

public sealed class ForecastTests
{
    private static readonly DateOnly Start = new(2026, 1, 5); // a Monday

    /// <summary>A weekly pattern (quiet Monday, busy weekend) with normal noise, fixed seed.</summary>
    private static List<decimal> SeasonalSeries(int days, int seed, double noise)
    {
        double[] weekly = [14, 16, 18, 18, 24, 32, 30];
        var random = new Random(seed);
        return Enumerable.Range(0, days).Select(d =>
        {
            // Box-Muller: a normal deviate from two uniform ones.
            var gaussian = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            return (decimal)Math.Round(Math.Max(0, weekly[d % 7] + noise * gaussian), 3);
        }).ToList();
    }

    private static double Mape(IEnumerable<(decimal Actual, decimal Forecast)> pairs) =>
        pairs.Where(p => p.Actual != 0).Average(p => (double)Math.Abs((p.Actual - p.Forecast) / p.Actual)) * 100;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void On_a_seasonal_series_with_noise_the_forecast_beats_same_weekday_last_week(int seed)
    {
        var series = SeasonalSeries(16 * 7, seed, noise: 3);
        var smoothed = new List<(decimal, decimal)>();
        var naive = new List<(decimal, decimal)>();
        // Walk forward over the last four weeks: fit on everything before the day, forecast the day.
        for (var t = 12 * 7; t < series.Count; t++)
        {
            var fit = DemandForecast.Fit(series.Take(t).ToList(), Start);
            smoothed.Add((series[t], fit.For(Start.AddDays(t))));
            naive.Add((series[t], series[t - 7]));
        }

        var smoothedMape = Mape(smoothed);
        var naiveMape = Mape(naive);

        Assert.True(smoothedMape < naiveMape, $"smoothing {smoothedMape:F1}% vs naive {naiveMape:F1}%");
    }

    [Fact]
    public void The_weekly_shape_is_learned()
    {
        var fit = DemandForecast.Fit(SeasonalSeries(10 * 7, seed: 7, noise: 0), Start);

        Assert.Equal(14, fit.For(Start.AddDays(70)), 1);      // a Monday
        Assert.Equal(32, fit.For(Start.AddDays(75)), 1);      // a Saturday
        Assert.Equal(21.714, (double)fit.DailyAverage(), 1);
        Assert.Equal(0, fit.Sigma, 3);
    }

    [Fact]
    public void A_stable_series_gives_the_textbook_reorder_point_and_order()
    {
        var fit = DemandForecast.Fit(Enumerable.Repeat(10m, 28).ToList(), Start);
        var terms = new SupplyTerms(LeadTimeDays: 3, ReviewPeriodDays: 7, PackSize: 12, MinimumOrder: 24);

        var plan = Replenishment.Plan(fit.DailyAverage(), fit.Sigma, available: 12, incoming: 0, terms, today: Start.AddDays(28));

        // Demand 10 a day, no variance: reorder point 10 x 3 = 30; order up to 30 + 10 x 7 = 100, so 88, in packs of 12: 96.
        Assert.Equal((10m, 0m, 30m, 96m), (plan.DailyDemand, plan.SafetyStock, plan.ReorderPoint, plan.SuggestedQuantity));
        Assert.Equal(1.2m, plan.DaysOfCover);
        Assert.Equal(Start.AddDays(29), plan.StockoutDate);
    }

    [Fact]
    public void Safety_stock_grows_with_the_spread_of_demand_and_the_lead_time()
    {
        var terms = new SupplyTerms(LeadTimeDays: 4, ReviewPeriodDays: 7, PackSize: 1, MinimumOrder: 50, ServiceLevelZ: 1.65);

        var plan = Replenishment.Plan(dailyDemand: 10, sigma: 4, available: 60, incoming: 0, terms, today: Start);
        var enough = Replenishment.Plan(dailyDemand: 10, sigma: 4, available: 40, incoming: 20, terms, today: Start);

        // 1.65 x 4 x sqrt(4) = 13.2; 10 x 4 + 13.2 = 53.2 <= 60 on hand: nothing to order yet.
        Assert.Equal((13.2m, 53.2m, 0m), (plan.SafetyStock, plan.ReorderPoint, plan.SuggestedQuantity));
        Assert.Equal(0m, enough.SuggestedQuantity);
        var low = Replenishment.Plan(dailyDemand: 10, sigma: 4, available: 30, incoming: 10, terms, today: Start);
        // Up to 53.2 + 70 = 123.2 from 40: 83.2 rounds up to 84 units (pack 1), above the minimum of 50.
        Assert.Equal(84m, low.SuggestedQuantity);
    }

    [Fact]
    public void A_stores_plan_covers_its_goods_in_code_order_and_keeps_only_positive_reorder_points()
    {
        Sku Define(string code, SkuKind kind) => new(code, code, MeasureUnit.Piece, VatRate.Vat22, 100, kind, false, [], [],
            new SupplyTerms(LeadTimeDays: 3, ReviewPeriodDays: 7, PackSize: 12, MinimumOrder: 24));
        var steady = new DailyDemand("rice", Start, Enumerable.Repeat(10m, 28).ToList());
        var coffee = new DailyDemand("coffee", Start, Enumerable.Repeat(4m, 28).ToList());
        var levels = new[] { new StockLevel("st-1", "rice", 14, 2, 0, 9), new StockLevel("st-1", "beans", 40, 0, 0, 3) };

        var plan = Replenishment.ForStore("st-1", [Define("rice", SkuKind.Goods), Define("coffee", SkuKind.Dish), Define("beans", SkuKind.Goods)],
            [steady, coffee], levels, Start.AddDays(28));

        // The dish is sold through its components; beans have no sales: no reorder point, nothing to order.
        Assert.Equal(["beans", "rice"], plan.Suggestions.Select(s => s.Sku));
        Assert.Equal((0m, 0m, 40m), (plan.Suggestions[0].ReorderPoint, plan.Suggestions[0].SuggestedQuantity, plan.Suggestions[0].Available));
        // Rice as in the textbook case above, from 12 available (14 on hand, 2 reserved): order 96.
        Assert.Equal((30m, 96m, 12m), (plan.Suggestions[1].ReorderPoint, plan.Suggestions[1].SuggestedQuantity, plan.Suggestions[1].Available));
        Assert.Equal(new Dictionary<string, decimal> { ["rice"] = 30m }, plan.ReorderPoints);
    }
}

public sealed class PromotionUpliftTests
{
    [Fact]
    public void Uplift_compares_the_window_with_the_forecast_from_before_it()
    {
        var first = new DateOnly(2026, 2, 2);
        // Four weeks at 10 a day, then a week-long promotion selling 15 a day.
        var units = Enumerable.Repeat(10m, 28).Concat(Enumerable.Repeat(15m, 7)).ToList();

        var (actual, expected) = Retail.Analytics.PromotionGrain.Measure(
            new Retail.Analytics.DailyDemand("tea", first, units), first.AddDays(28), first.AddDays(34));

        Assert.Equal(105m, actual);
        Assert.Equal(70m, Math.Round(expected, 3));
    }
}
