using System.Diagnostics.Metrics;

namespace Retail.Ledger;

/// <summary>The ledger's instruments on the <c>Retail</c> meter.</summary>
public static class LedgerMetrics
{
    public const string MeterName = "Retail";
    public static readonly Meter Meter = new(MeterName);

    private static readonly Histogram<int> BatchSize = Meter.CreateHistogram<int>(
        "retail.ledger.batch.size", "{record}", "Records written by one ledger commit");

    private static readonly Histogram<double> CommitDuration = Meter.CreateHistogram<double>(
        "retail.ledger.commit.duration", "s", "Time from taking a batch to its commit");

    public static void RecordBatch(string ledger, int size, TimeSpan duration)
    {
        var tag = new KeyValuePair<string, object?>("ledger", ledger);
        BatchSize.Record(size, tag);
        CommitDuration.Record(duration.TotalSeconds, tag);
    }
}
