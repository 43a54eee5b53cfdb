namespace Retail.Faults.Reporting;

/// <summary>
/// How long acknowledgements took to come back after a fault: from the fault to the end of the first
/// one-second window, after the rate fell below half the baseline, that has half the baseline again.
/// </summary>
public sealed class Recovery(IReadOnlyList<double> acknowledgedAt)
{
    private const double Step = 0.1;
    /// <summary>A dip that starts later than this after a fault is not the fault's doing.</summary>
    private const double DipMustStartWithin = 5;

    private readonly double[] acks = [.. acknowledgedAt.Order()];

    /// <summary>Acknowledgements per second over a window.</summary>
    public double Rate(double from, double to) => to > from ? Count(from, to) / (to - from) : 0;

    /// <summary>Seconds until recovered; 0 when the rate never fell below half; null when it had not recovered by <paramref name="end"/>.</summary>
    public double? Seconds(double faultAt, double end, double usualRate)
    {
        var half = usualRate / 2;
        var dipped = false;
        for (var t = faultAt; t + 1 <= end; t += Step)
        {
            var rate = Count(t, t + 1);
            if (rate < half)
                dipped = true;
            else if (dipped)
                return t + 1 - faultAt;
            if (!dipped && t - faultAt > DipMustStartWithin)
                return 0;
        }
        return dipped ? null : 0;
    }

    private int Count(double from, double to) => LowerBound(to) - LowerBound(from);

    private int LowerBound(double value)
    {
        int lo = 0, hi = acks.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (acks[mid] < value) lo = mid + 1; else hi = mid;
        }
        return lo;
    }
}
