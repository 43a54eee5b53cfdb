using System.Diagnostics.Metrics;

namespace Retail.Ledger;

/// <summary>The ledger's instruments on the <c>Retail</c> meter of this host's meter factory.</summary>
public sealed class LedgerMetrics
{
    public const string MeterName = "Retail";

    private readonly Histogram<int> batchSize;
    private readonly Histogram<double> commitDuration;

    public LedgerMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        batchSize = meter.CreateHistogram<int>("retail.ledger.batch.size", "{record}", "Records written by one ledger commit");
        commitDuration = meter.CreateHistogram<double>("retail.ledger.commit.duration", "s", "Time from taking a batch to its commit");
    }

    public void RecordBatch(string ledger, int size, TimeSpan duration)
    {
        var tag = new KeyValuePair<string, object?>("ledger", ledger);
        batchSize.Record(size, tag);
        commitDuration.Record(duration.TotalSeconds, tag);
    }
}
