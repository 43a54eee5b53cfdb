namespace Retail.Procurement;

/// <summary>
/// Daily demand by exponential smoothing with a weekly season (additive Holt-Winters without trend).
/// The smoothing weights are chosen per series by the smallest one-step-ahead squared error.
/// </summary>
public sealed class DemandForecast
{
    public const int Season = 7;
    private static readonly double[] Weights = [0.05, 0.1, 0.2, 0.3, 0.5, 0.7];

    private readonly double level;
    private readonly double[] seasonal;
    private readonly DateOnly nextDay;

    /// <summary>Standard deviation of the one-step-ahead errors: the uncertainty of one day's demand.</summary>
    public double Sigma { get; }

    public double Alpha { get; }
    public double Gamma { get; }

    private DemandForecast(double level, double[] seasonal, DateOnly nextDay, double sigma, double alpha, double gamma)
    {
        this.level = level;
        this.seasonal = seasonal;
        this.nextDay = nextDay;
        Sigma = sigma;
        Alpha = alpha;
        Gamma = gamma;
    }

    /// <summary>Fits the series (one value a day, oldest first, starting on <paramref name="firstDay"/>).</summary>
    public static DemandForecast Fit(IReadOnlyList<decimal> daily, DateOnly firstDay)
    {
        var y = daily.Select(d => (double)d).ToArray();
        var next = firstDay.AddDays(y.Length);
        if (y.Length < 2 * Season)
        {
            // Too short for a season: a flat mean, with the spread of the days as its uncertainty.
            var mean = y.Length == 0 ? 0 : y.Average();
            var spread = y.Length < 2 ? 0 : Math.Sqrt(y.Sum(v => (v - mean) * (v - mean)) / (y.Length - 1));
            return new DemandForecast(mean, new double[Season], next, spread, 0, 0);
        }
        DemandForecast? best = null;
        var bestError = double.MaxValue;
        foreach (var alpha in Weights)
            foreach (var gamma in Weights)
            {
                var (fit, error) = Run(y, firstDay, alpha, gamma);
                if (error < bestError)
                    (best, bestError) = (fit, error);
            }
        return best!;
    }

    private static (DemandForecast Fit, double Error) Run(double[] y, DateOnly firstDay, double alpha, double gamma)
    {
        var level = y.Take(Season).Average();
        // seasonal[k] belongs to the weekday of firstDay + k.
        var seasonal = y.Take(Season).Select(v => v - level).ToArray();
        double squared = 0;
        var count = 0;
        for (var t = Season; t < y.Length; t++)
        {
            var k = t % Season;
            var forecast = level + seasonal[k];
            var error = y[t] - forecast;
            squared += error * error;
            count++;
            var previousLevel = level;
            level = alpha * (y[t] - seasonal[k]) + (1 - alpha) * level;
            seasonal[k] = gamma * (y[t] - previousLevel) + (1 - gamma) * seasonal[k];
        }
        var sigma = count > 1 ? Math.Sqrt(squared / (count - 1)) : 0;
        // Re-base the season so index 0 is the day after the series.
        var next = firstDay.AddDays(y.Length);
        var rebased = new double[Season];
        for (var i = 0; i < Season; i++)
            rebased[i] = seasonal[(y.Length + i) % Season];
        return (new DemandForecast(level, rebased, next, sigma, alpha, gamma), squared);
    }

    /// <summary>Expected demand of a future day (never below zero).</summary>
    public decimal For(DateOnly day)
    {
        var ahead = day.DayNumber - nextDay.DayNumber;
        var index = ((ahead % Season) + Season) % Season;
        return (decimal)Math.Max(0, level + seasonal[index]);
    }

    /// <summary>Average expected demand per day over the next days.</summary>
    public decimal DailyAverage(int days = Season) =>
        Enumerable.Range(0, Math.Max(1, days)).Average(i => For(nextDay.AddDays(i)));
}
