using System.Diagnostics;

namespace Retail.Bench;

/// <summary>
/// An offered rate shared out across workers: each worker's requests have slots a fixed interval apart,
/// staggered between workers. A worker waits for its slot, never skips one, and a request's latency counts
/// from its slot: a stall that holds requests back shows in the figures instead of hiding in fewer requests.
/// </summary>
public sealed class Pacing(double perSecond, int workers)
{
    private readonly long interval = (long)(Stopwatch.Frequency * workers / perSecond);

    public double PerSecond => perSecond;

    public long First(int worker) => Stopwatch.GetTimestamp() + interval * worker / workers;

    public long Next(long slot) => slot + interval;

    public static async Task UntilAsync(long slot)
    {
        var ahead = slot - Stopwatch.GetTimestamp();
        if (ahead > 0)
            await Task.Delay(TimeSpan.FromSeconds((double)ahead / Stopwatch.Frequency));
    }
}
