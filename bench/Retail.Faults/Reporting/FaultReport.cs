using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Retail.Faults.Checks;
using Retail.Faults.Faults;
using Retail.Faults.Load;

namespace Retail.Faults.Reporting;

public sealed record FaultRecord(string Kind, string Target, double At, double? RestoredAt, double? RecoverySeconds, string? Error);

public sealed record RuleRecord(string Rule, int Count, IReadOnlyList<string> Examples);

/// <summary>The run's result: what was sent and acknowledged, the faults and the recoveries, and every anomaly.</summary>
public sealed record FaultReport(
    string Commit,
    DateTimeOffset StartedAt,
    double LoadSeconds,
    int Silos,
    int Tills,
    int Requests,
    int Receipts,
    int Movements,
    int Attempts,
    int Acknowledged,
    int Refused,
    int Unanswered,
    int AppliedButUnacknowledged,
    int JournalRows,
    int LedgerRows,
    int Kills,
    int PostgresRestarts,
    double BaselineAcknowledgementsPerSecond,
    IReadOnlyList<FaultRecord> Faults,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> StatusHistogram,
    double MaxWaitMs,
    string? MaxWaitRequest,
    double MaxSecondsToAcknowledge,
    int AnomalyCount,
    IReadOnlyList<RuleRecord> Anomalies)
{
    public const double WaitLimitMs = 10_000;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>The attempts' own anomalies: during faults only 2xx, or 503 with Retry-After, and no wait over 10 s.</summary>
    public static void JudgeAttempts(IEnumerable<Attempt> attempts, double loadStartedAt, Anomalies anomalies)
    {
        foreach (var a in attempts)
        {
            var where = string.Create(CultureInfo.InvariantCulture, $"{a.At - loadStartedAt:0.0}s {a.Operation} {a.Id}: {a.StatusText} after {a.LatencyMs:0} ms");
            var rule = a.Status switch
            {
                >= 200 and < 300 => null,
                503 when a.RetryAfter => null,
                503 => "503 without Retry-After",
                >= 500 => "5xx other than 503",
                >= 400 => "4xx answer to a valid request",
                Attempt.TimedOut => "no answer within 15 s",
                Attempt.ConnectionFailed => "connection to the API failed",
                _ => "unexpected status",
            };
            if (rule is not null)
                anomalies.Add(rule, where);
            if (a.Status != Attempt.TimedOut && a.LatencyMs > WaitLimitMs)
                anomalies.Add("wait over 10 s", where);
        }
    }

    public static FaultReport Build(FaultOptions options, DateTimeOffset startedAt, double loadStartedAt, double loadEndedAt,
        IReadOnlyList<TillRequest> requests, IReadOnlyList<Attempt> attempts, IReadOnlyList<FaultEvent> faults,
        LedgerTruth? truth, Anomalies anomalies)
    {
        var load = requests.Where(r => r.Kind != RequestKind.Setup).ToList();
        var recovery = new Recovery(load.Where(r => r.Fate == RequestFate.Acknowledged).Select(r => r.AnsweredAt).ToList());
        var firstFault = faults.Count > 0 ? faults[0].At : loadEndedAt;
        // The first seconds warm the JIT and activate grains; the usual rate is measured after them.
        var baseline = recovery.Rate(loadStartedAt + Math.Min(3, (firstFault - loadStartedAt) / 3), firstFault);
        var records = faults.Select(f => new FaultRecord(f.Kind, f.Target, Round(f.At - loadStartedAt), f.RestoredAt is { } r ? Round(r - loadStartedAt) : null,
            recovery.Seconds(f.At, loadEndedAt, baseline) is { } s ? Round(s) : null, f.Error)).ToList();

        string Phase(Attempt a) => a.At < loadStartedAt ? "setup" : a.At < firstFault ? "before faults" : a.At < loadEndedAt ? "during faults" : "drain";
        var histogram = attempts.GroupBy(Phase).ToDictionary(g => g.Key,
            g => (IReadOnlyDictionary<string, int>)g.GroupBy(a => a.Succeeded ? "2xx" : a.StatusText).OrderBy(s => s.Key, StringComparer.Ordinal)
                .ToDictionary(s => s.Key, s => s.Count(), StringComparer.Ordinal));
        var slowest = attempts.Count > 0 ? attempts.MaxBy(a => a.LatencyMs) : null;
        var acknowledged = load.Where(r => r.Fate == RequestFate.Acknowledged).ToList();

        return new FaultReport(
            Commit: Environment.GetEnvironmentVariable("RETAIL_FAULTS_COMMIT") ?? "unknown",
            StartedAt: startedAt,
            LoadSeconds: Round(loadEndedAt - loadStartedAt),
            Silos: options.Silos,
            Tills: options.Tills,
            Requests: load.Count,
            Receipts: load.Count(r => r.Kind == RequestKind.Receipt),
            Movements: load.Count(r => r.Kind == RequestKind.Movement),
            Attempts: attempts.Count(a => a.At >= loadStartedAt),
            Acknowledged: acknowledged.Count,
            Refused: load.Count(r => r.Fate == RequestFate.Refused),
            Unanswered: load.Count(r => r.Fate is RequestFate.Unanswered or RequestFate.Pending),
            AppliedButUnacknowledged: truth?.AppliedButUnacknowledged ?? 0,
            JournalRows: truth?.JournalRows ?? 0,
            LedgerRows: truth?.LedgerRows ?? 0,
            Kills: faults.Count(f => f.Kind == "kill -9"),
            PostgresRestarts: faults.Count(f => f.Kind == "postgres restart"),
            BaselineAcknowledgementsPerSecond: Round(baseline),
            Faults: records,
            StatusHistogram: histogram,
            MaxWaitMs: Math.Round(slowest?.LatencyMs ?? 0),
            MaxWaitRequest: slowest is null ? null : string.Create(CultureInfo.InvariantCulture, $"{slowest.Operation} {slowest.Id} at {slowest.At - loadStartedAt:0.0}s: {slowest.StatusText}"),
            MaxSecondsToAcknowledge: Round(acknowledged.Select(r => r.AnsweredAt - r.FirstSentAt).DefaultIfEmpty(0).Max()),
            AnomalyCount: anomalies.Count,
            Anomalies: anomalies.ByRule.Select(r => new RuleRecord(r.Rule, r.Count, r.Examples)).ToList());
    }

    public async Task WriteJsonAsync(string path) => await File.WriteAllTextAsync(path, JsonSerializer.Serialize(this, Json));

    public string Summary()
    {
        var s = new StringBuilder();
        void Line(FormattableString text) => s.AppendLine(text.ToString(CultureInfo.InvariantCulture));
        Line($"== fault run summary (commit {Commit})");
        Line($"load:       {LoadSeconds:0} s, {Tills} tills, {Silos} silos + API (client mode) + PostgreSQL, separate processes");
        Line($"requests:   {Requests} ({Receipts} receipts, {Movements} movements) in {Attempts} attempts");
        Line($"answered:   {Acknowledged} acknowledged, {Refused} refused, {Unanswered} never answered; {AppliedButUnacknowledged} applied without an acknowledgement (allowed)");
        Line($"stored:     {JournalRows} journal rows, {LedgerRows} ledger rows");
        Line($"faults:     {Kills} kill -9 of a silo, {PostgresRestarts} PostgreSQL restart(s); usual rate {BaselineAcknowledgementsPerSecond:0.#} acknowledgements/s");
        foreach (var f in Faults)
        {
            var recovered = f.RecoverySeconds switch
            {
                null => "NOT recovered to half the usual rate before the load ended",
                0 => "rate never fell below half",
                { } r => $"acknowledgements back above half the usual rate after {r:0.0} s",
            };
            var restored = f.RestoredAt is { } at ? $", back at {at:0.0}s" : "";
            Line($"  {f.At,6:0.0}s  {f.Kind} {f.Target}{restored}: {recovered}{(f.Error is null ? "" : "; ERROR " + f.Error)}");
        }
        Line($"statuses:");
        foreach (var phase in new[] { "setup", "before faults", "during faults", "drain" })
            if (StatusHistogram.TryGetValue(phase, out var counts))
                Line($"  {phase,-14} {string.Join(", ", counts.Select(c => $"{c.Key}: {c.Value}"))}");
        Line($"max wait:   {MaxWaitMs:0} ms ({MaxWaitRequest}); longest time to an acknowledgement, retries included: {MaxSecondsToAcknowledge:0.0} s");
        Line($"anomalies:  {AnomalyCount}");
        foreach (var rule in Anomalies)
        {
            Line($"  {rule.Count,6} x {rule.Rule}");
            foreach (var example in rule.Examples.Take(5))
                Line($"           e.g. {example}");
        }
        Line($"result:     {(AnomalyCount == 0 ? "PASS" : "FAIL")}");
        return s.ToString();
    }

    private static double Round(double value) => Math.Round(value, 1);
}
