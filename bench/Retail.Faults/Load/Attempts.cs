using System.Collections.Concurrent;

namespace Retail.Faults.Load;

/// <summary>Status 0: no answer within the client's timeout; -1: the connection failed.</summary>
public sealed record Attempt(string Operation, string Id, double At, double LatencyMs, int Status, bool RetryAfter, string? Code)
{
    public const int TimedOut = 0;
    public const int ConnectionFailed = -1;

    public bool Succeeded => Status is >= 200 and < 300;

    public string StatusText => Status switch
    {
        TimedOut => "timeout",
        ConnectionFailed => "connection failed",
        503 => RetryAfter ? "503 with Retry-After" : "503 without Retry-After",
        _ => Status.ToString(System.Globalization.CultureInfo.InvariantCulture) + (Code is null ? "" : " " + Code),
    };
}

/// <summary>Every HTTP attempt of a run, on one clock (seconds since the run began).</summary>
public sealed class AttemptLog
{
    private readonly ConcurrentQueue<Attempt> attempts = new();
    private readonly System.Diagnostics.Stopwatch clock = System.Diagnostics.Stopwatch.StartNew();

    public double Now => clock.Elapsed.TotalSeconds;

    public void Add(Attempt attempt) => attempts.Enqueue(attempt);

    public IReadOnlyList<Attempt> All => attempts.ToArray();
}
