using System.Globalization;
using Retail.Procurement;

namespace Retail.Bench;

/// <summary>
/// Forecast error on generated demand: a weekly shape with a slow drift and normal noise, walked
/// forward day by day over the last four weeks. Compares the engine's weekly-seasonal smoothing
/// with same-weekday-last-week and with the mean of the last seven days (MAPE, lower is better).
/// </summary>
public static class ForecastScenario
{
    private static readonly double[] WeekShape = [0.7, 0.8, 0.9, 0.95, 1.15, 1.35, 1.15];

    public static Task<int> RunAsync(BenchOptions options)
    {
        var series = options.Int("series", 40);
        var weeks = options.Int("weeks", 16, min: 8);
        Console.WriteLine($"| demand (mean 20/day, weekly shape, drift) | noise sd | series | weekly smoothing MAPE | same weekday last week | 7-day mean |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var noise in new[] { 1.0, 3.0, 6.0 })
        {
            var errors = Enumerable.Range(1, series).Select(seed => Evaluate(Generate(weeks * 7, seed, noise))).ToList();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| generated | {noise:0.#} | {series} | {errors.Average(e => e.Smoothing):0.0}% | {errors.Average(e => e.LastWeek):0.0}% | {errors.Average(e => e.WeekMean):0.0}% |"));
        }
        return Task.FromResult(0);
    }

    private static List<decimal> Generate(int days, int seed, double noise)
    {
        var random = new Random(seed);
        var level = 20.0;
        var history = new List<decimal>(days);
        for (var d = 0; d < days; d++)
        {
            level += (random.NextDouble() - 0.5) * 0.3;
            // Sum of twelve uniforms minus six: close enough to a standard normal, and simple.
            var normal = Enumerable.Range(0, 12).Sum(_ => random.NextDouble()) - 6;
            history.Add((decimal)Math.Round(Math.Max(0, level * WeekShape[d % 7] + noise * normal), 3));
        }
        return history;
    }

    private static (double Smoothing, double LastWeek, double WeekMean) Evaluate(List<decimal> demand)
    {
        var start = new DateOnly(2026, 1, 5);
        var smoothing = new List<double>();
        var lastWeek = new List<double>();
        var weekMean = new List<double>();
        for (var t = demand.Count - 28; t < demand.Count; t++)
        {
            if (demand[t] == 0)
                continue;
            var actual = (double)demand[t];
            var fit = DemandForecast.Fit(demand.Take(t).ToList(), start);
            smoothing.Add(Math.Abs(actual - (double)fit.For(start.AddDays(t))) / actual);
            lastWeek.Add(Math.Abs(actual - (double)demand[t - 7]) / actual);
            weekMean.Add(Math.Abs(actual - (double)demand.Skip(t - 7).Take(7).Average()) / actual);
        }
        return (smoothing.Average() * 100, lastWeek.Average() * 100, weekMean.Average() * 100);
    }
}
