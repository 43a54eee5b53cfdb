using System.Diagnostics;

namespace Retail.Bench;

/// <summary>
/// One worker's response times, as raw stopwatch ticks. Workers never share one, so recording takes
/// no lock; the run merges them at the end and reads exact percentiles off the sorted whole.
/// </summary>
public sealed class Latencies
{
    private readonly List<long> ticks = new(capacity: 16_384);

    public int Count => ticks.Count;

    public void Record(long startedTimestamp) => ticks.Add(Stopwatch.GetTimestamp() - startedTimestamp);

    public static LatencySummary Summarize(IEnumerable<Latencies> workers)
    {
        var all = workers.SelectMany(w => w.ticks).ToArray();
        Array.Sort(all);
        return new LatencySummary(all.Length, Millis(Percentile(all, 0.50)), Millis(Percentile(all, 0.95)),
            Millis(Percentile(all, 0.99)), Millis(all.Length == 0 ? 0 : all[^1]));
    }

    private static long Percentile(long[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static double Millis(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
}

public sealed record LatencySummary(int Count, double P50, double P95, double P99, double Max)
{
    public override string ToString() => $"p50 {P50:0.00} ms, p95 {P95:0.00} ms, p99 {P99:0.00} ms, max {Max:0.00} ms";
}
