using System.Globalization;
using Retail.Faults.Load;
using Retail.Faults.Processes;

namespace Retail.Faults.Faults;

/// <summary>One injected fault, on the attempt log's clock.</summary>
public sealed class FaultEvent(string kind, string target, double at)
{
    /// <summary>"kill -9" or "postgres restart".</summary>
    public string Kind { get; } = kind;
    public string Target { get; } = target;
    public double At { get; } = at;
    /// <summary>When the silo said it started again, or PostgreSQL was back.</summary>
    public double? RestoredAt { get; set; }
    public string? Error { get; set; }
}

/// <summary>
/// The fault timeline: after the baseline, one fault every <see cref="FaultOptions.Gap"/> seconds,
/// kill -9 of a silo (started again after a pause), and one PostgreSQL outage in the middle.
/// </summary>
public sealed class FaultInjector(FaultOptions options, Cluster cluster, AttemptLog log)
{
    private readonly List<FaultEvent> events = [];
    private readonly List<Task> restarts = [];
    private double loadStartedAt;

    /// <summary>Seconds into the load, as every line of the report counts them.</summary>
    private double Now => log.Now - loadStartedAt;

    public IReadOnlyList<FaultEvent> Events => events;

    public async Task RunAsync(double loadStartedAt)
    {
        this.loadStartedAt = loadStartedAt;
        var postgresSlot = options.PostgresRestart ? options.FaultSlots / 2 : -1;
        var kills = 0;
        for (var slot = 0; slot < options.FaultSlots; slot++)
        {
            await DelayUntil(loadStartedAt + options.Baseline + slot * options.Gap);
            if (slot == postgresSlot)
                await PostgresOutageAsync();
            else
                Kill(kills++);
        }
        await Task.WhenAll(restarts);
    }

    private void Kill(int number)
    {
        var victim = cluster.PickVictim(number);
        if (victim == 0)
        {
            Console.WriteLine($"  {Now,6:0.0}s  no silo is up to kill; skipped");
            return;
        }
        var fault = new FaultEvent("kill -9", $"silo-{victim}", log.Now);
        events.Add(fault);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {Now,6:0.0}s  kill -9 silo-{victim}"));
        restarts.Add(Task.Run(async () =>
        {
            try
            {
                await cluster.KillSiloAsync(victim);
                await Task.Delay(TimeSpan.FromSeconds(options.RestartAfter));
                await cluster.RestartSiloAsync(victim);
                fault.RestoredAt = log.Now;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {Now,6:0.0}s  silo-{victim} started again"));
            }
            catch (Exception error)
            {
                fault.Error = error.Message;
                Console.WriteLine($"  {Now,6:0.0}s  silo-{victim} could not be started again: {error.Message}");
            }
        }));
    }

    private async Task PostgresOutageAsync()
    {
        var fault = new FaultEvent("postgres restart", "postgresql", log.Now);
        events.Add(fault);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {Now,6:0.0}s  PostgreSQL stopped (immediate)"));
        try
        {
            await cluster.HaltPostgresAsync();
            await Task.Delay(TimeSpan.FromSeconds(options.PostgresDown));
            await cluster.ResumePostgresAsync();
            fault.RestoredAt = log.Now;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {Now,6:0.0}s  PostgreSQL started again"));
        }
        catch (Exception error)
        {
            fault.Error = error.Message;
            Console.WriteLine($"  {Now,6:0.0}s  PostgreSQL restart failed: {error.Message}");
        }
    }

    private async Task DelayUntil(double at)
    {
        var wait = at - log.Now;
        if (wait > 0)
            await Task.Delay(TimeSpan.FromSeconds(wait));
    }
}
