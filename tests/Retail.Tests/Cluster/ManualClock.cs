namespace Retail.Tests.Cluster;

/// <summary>Real time plus an offset that tests move forward: 24-hour shifts and 30-day OFD limits without waiting.</summary>
public sealed class ManualClock : TimeProvider
{
    private long offsetTicks;

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow().AddTicks(Interlocked.Read(ref offsetTicks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref offsetTicks, by.Ticks);
}
