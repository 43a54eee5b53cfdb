using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Retail.Ledger;

namespace Retail.Registers;

/// <summary>Register instruments on the <c>Retail</c> meter: receipts, fiscalization latency, OFD backlog, shift age, FD gaps.</summary>
public static class RegisterMetrics
{
    private sealed record Snapshot(string StoreId, int Unconfirmed, DateTimeOffset? OldestUnconfirmedAt, DateTimeOffset? ShiftOpenedAt, bool Blocked, long Gaps);

    private static readonly ConcurrentDictionary<string, Snapshot> Registers = new(StringComparer.Ordinal);
    private static TimeProvider clock = TimeProvider.System;

    private static readonly Counter<long> Receipts = LedgerMetrics.Meter.CreateCounter<long>(
        "retail.receipts", "{receipt}", "Receipts by operation and outcome (a refusal's code, or fiscalized)");

    private static readonly Histogram<double> Latency = LedgerMetrics.Meter.CreateHistogram<double>(
        "retail.fiscalization.duration", "s", "From a receipt's arrival at its register to its answer, stock included");

    private static readonly ObservableGauge<int> Backlog = LedgerMetrics.Meter.CreateObservableGauge(
        "retail.ofd.unconfirmed", () => Each(s => s.Unconfirmed), "{document}", "Fiscal documents the OFD has not confirmed");

    private static readonly ObservableGauge<double> OldestUnconfirmedAge = LedgerMetrics.Meter.CreateObservableGauge(
        "retail.ofd.oldest_unconfirmed.age", () => Each(s => s.OldestUnconfirmedAt is { } at ? (clock.GetUtcNow() - at).TotalSeconds : 0), "s",
        "Age of the oldest unconfirmed document; at 30 days the drive stops signing");

    private static readonly ObservableGauge<double> ShiftAge = LedgerMetrics.Meter.CreateObservableGauge(
        "retail.shift.open.age", () => Each(s => s.ShiftOpenedAt is { } at ? (clock.GetUtcNow() - at).TotalSeconds : 0), "s",
        "How long the open shift has been open; at 24 hours receipts are refused");

    private static readonly ObservableGauge<int> Blocked = LedgerMetrics.Meter.CreateObservableGauge(
        "retail.registers.blocked", () => Registers.Values.Count(s => s.Blocked), "{register}",
        "Registers whose drive refuses receipts for the OFD backlog");

    private static readonly ObservableGauge<long> Gaps = LedgerMetrics.Meter.CreateObservableGauge(
        "retail.register.gaps", () => Each(s => s.Gaps), "{document}",
        "FD numbers a device register's till has not reported yet, over all its FNs");

    private static IEnumerable<Measurement<T>> Each<T>(Func<Snapshot, T> value) where T : struct =>
        Registers.Select(r => new Measurement<T>(value(r.Value),
            new KeyValuePair<string, object?>("register", r.Key), new KeyValuePair<string, object?>("store", r.Value.StoreId)));

    public static void Observe(string registerId, RegisterView view, TimeProvider time, long gaps = 0)
    {
        clock = time;
        Registers[registerId] = new Snapshot(view.StoreId, view.Ofd.Unconfirmed, view.Ofd.OldestUnconfirmedAt,
            view.Shift.IsOpen ? view.Shift.OpenedAt : null, view.Ofd.Blocked, gaps);
    }

    public static void Forget(string registerId) => Registers.TryRemove(registerId, out _);

    public static void Receipt(string operation, string outcome, long startedTimestamp)
    {
        var tags = new TagList { { "operation", operation }, { "outcome", outcome } };
        Receipts.Add(1, tags);
        Latency.Record(Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds, tags);
    }
}
