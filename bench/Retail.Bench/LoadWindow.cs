using System.Diagnostics;

namespace Retail.Bench;

/// <summary>
/// A run's clock: a warm-up (grain activations, connection pools, JIT) whose requests count for the
/// balance check but not for the figures, then the measured window. No request starts after its end.
/// </summary>
public sealed class LoadWindow(TimeSpan warmup, TimeSpan duration)
{
    private long measureFrom;
    private long end;

    public TimeSpan Measured => duration;

    public void Start()
    {
        var now = Stopwatch.GetTimestamp();
        measureFrom = now + (long)(warmup.TotalSeconds * Stopwatch.Frequency);
        end = measureFrom + (long)(duration.TotalSeconds * Stopwatch.Frequency);
    }

    public bool Open => Stopwatch.GetTimestamp() < end;

    /// <summary>Whether a request that has just completed falls inside the measured window.</summary>
    public bool Counts()
    {
        var now = Stopwatch.GetTimestamp();
        return now >= measureFrom && now <= end;
    }
}
