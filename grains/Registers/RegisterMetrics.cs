using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Retail.Common;
using Retail.Ledger;
using Retail.Registers.Fiscal;

namespace Retail.Registers;

/// <summary>
/// Register instruments on the <c>Retail</c> meter: receipts, fiscalization latency, OFD backlog, shift age, FD gaps.
/// The gauges read the registers active on this silo, their ages by the silo's clock.
/// </summary>
public sealed class RegisterMetrics
{
    private sealed record Snapshot(string StoreId, int Unconfirmed, DateTimeOffset? OldestUnconfirmedAt, DateTimeOffset? ShiftOpenedAt, bool Blocked, long Gaps);

    private readonly ConcurrentDictionary<string, Snapshot> registers = new(StringComparer.Ordinal);
    private readonly TimeProvider clock;
    private readonly Counter<long> receipts;
    private readonly Histogram<double> latency;

    public RegisterMetrics(IMeterFactory meters, TimeProvider clock)
    {
        this.clock = clock;
        var meter = meters.Create(LedgerMetrics.MeterName);
        receipts = meter.CreateCounter<long>(
            "retail.receipts", "{receipt}", "Receipts by operation and outcome (a refusal's code, or fiscalized)");
        latency = meter.CreateHistogram<double>(
            "retail.fiscalization.duration", "s", "From a receipt's arrival at its register to its answer, stock included");
        meter.CreateObservableGauge(
            "retail.ofd.unconfirmed", () => Each(s => s.Unconfirmed), "{document}", "Fiscal documents the OFD has not confirmed");
        meter.CreateObservableGauge(
            "retail.ofd.oldest_unconfirmed.age", () => Each(s => AgeSeconds(s.OldestUnconfirmedAt)), "s",
            "Age of the oldest unconfirmed document; at 30 days the drive stops signing");
        meter.CreateObservableGauge(
            "retail.shift.open.age", () => Each(s => AgeSeconds(s.ShiftOpenedAt)), "s",
            "How long the open shift has been open; at 24 hours receipts are refused");
        meter.CreateObservableGauge(
            "retail.registers.blocked", () => registers.Values.Count(s => s.Blocked), "{register}",
            "Registers whose drive refuses receipts for the OFD backlog");
        meter.CreateObservableGauge(
            "retail.register.gaps", () => Each(s => s.Gaps), "{document}",
            "FD numbers a device register's till has not reported yet, over all its FNs");
    }

    private double AgeSeconds(DateTimeOffset? since) => since is { } at ? (clock.GetUtcNow() - at).TotalSeconds : 0;

    private IEnumerable<Measurement<T>> Each<T>(Func<Snapshot, T> value) where T : struct =>
        registers.Select(r => new Measurement<T>(value(r.Value),
            new KeyValuePair<string, object?>("register", r.Key), new KeyValuePair<string, object?>("store", r.Value.StoreId)));

    public void Observe(string registerId, RegisterView view, long gaps = 0) =>
        registers[registerId] = new Snapshot(view.StoreId, view.Ofd.Unconfirmed, view.Ofd.OldestUnconfirmedAt,
            view.Shift.IsOpen ? view.Shift.OpenedAt : null, view.Ofd.Blocked, gaps);

    public void Forget(string registerId) => registers.TryRemove(registerId, out _);

    public void Receipt(FiscalOperation operation, string outcome, long startedTimestamp)
    {
        var tags = new TagList { { "operation", operation.ToApiNameOrNumber() }, { "outcome", outcome } };
        receipts.Add(1, tags);
        latency.Record(Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds, tags);
    }
}
