using System.Diagnostics;
using System.Globalization;
using Retail.Stock;

namespace Retail.Bench;

/// <summary>
/// A silo stopped as SIGTERM stops it: the silo in process (PostgreSQL mode), <c>--pairs</c> distinct pairs changed
/// once each, then <see cref="Microsoft.Extensions.Hosting.IHost.StopAsync"/> (the path the process's SIGTERM takes)
/// timed to its end. A fresh silo on the same database then reads every pair: each must hold exactly what was acknowledged.
/// </summary>
public static class ShutdownScenario
{
    public static async Task<int> RunAsync(BenchOptions options)
    {
        options.RejectUnknown("connection", "pairs", "stores", "in-flight", "row-to");
        var connection = options.Required("connection");
        var count = options.Int("pairs", 200_000);
        var stores = Math.Min(options.Int("stores", 1000), count);
        var inFlight = options.Int("in-flight", 256);
        var run = MovementsScenario.RunId();
        var clusterId = $"bench-{run}";
        var pairs = Enumerable.Range(0, count).Select(i => new Pair(string.Create(CultureInfo.InvariantCulture, $"{run}-s{i % stores:D4}"),
            string.Create(CultureInfo.InvariantCulture, $"sku-{i / stores:D6}"))).ToArray();

        var host = await InProcessSilo.StartAsync(connection, clusterId);
        var grains = host.Grains();
        Console.WriteLine($"shutdown: PostgreSQL silo in process ({InProcessSilo.GcMode}); {count:N0} pairs in {stores} stores changed once each, " +
                          $"{inFlight} in flight; stores {run}-s*");

        var acknowledged = new decimal[count];
        var uncertain = new bool[count];
        var retries = 0;
        var refused = 0;
        var started = Stopwatch.GetTimestamp();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = inFlight }, async (i, _) =>
        {
            var quantity = 1 + i % 5;
            var movement = new StockMovement(string.Create(CultureInfo.InvariantCulture, $"{run}-{i}"), MovementType.GoodsReceipt, quantity);
            switch (await grains.Stock(pairs[i]).ApplySettledAsync(movement, () => Interlocked.Increment(ref retries)))
            {
                case true:
                    acknowledged[i] = quantity;
                    break;
                case false:
                    Interlocked.Increment(ref refused);
                    break;
                default:
                    uncertain[i] = true;
                    break;
            }
        });
        var changeSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var perSecond = count / changeSeconds;
        var active = await grains.StockActivationsAsync();
        var all = await grains.AllActivationsAsync();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"changed: {count:N0} pairs in {changeSeconds:0.0} s = {perSecond:0} changes/s; {retries} retried, {refused} refused, " +
            $"{uncertain.Count(u => u)} unknown; {active:N0} stock grains active ({all - active:N0} other activations), " +
            $"RSS {InProcessSilo.Mib(InProcessSilo.ResidentBytes())}"));

        started = Stopwatch.GetTimestamp();
        await host.StopAsync();
        var stopSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        started = Stopwatch.GetTimestamp();
        host.Dispose();
        var disposeSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"stopped: IHost.StopAsync took {stopSeconds:0.00} s (the SIGTERM path), disposing the host {disposeSeconds:0.00} s"));

        started = Stopwatch.GetTimestamp();
        using var again = await InProcessSilo.StartAsync(connection, clusterId);
        var restartSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        grains = again.Grains();
        var mismatches = 0;
        var unreadable = 0;
        started = Stopwatch.GetTimestamp();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = inFlight }, async (i, _) =>
        {
            StockLevel level;
            try
            {
                level = await grains.Stock(pairs[i]).GetAsync();
            }
            catch (Exception error) when (error is TimeoutException or OrleansException)
            {
                Interlocked.Increment(ref unreadable);
                return;
            }
            if (uncertain[i] ? level.OnHand != 0 && level.OnHand != 1 + i % 5 : level.OnHand != acknowledged[i])
            {
                if (Interlocked.Increment(ref mismatches) <= 20)
                    Console.WriteLine($"  {pairs[i]}: acknowledged onHand {acknowledged[i]}, the restarted silo reads {level.OnHand} (version {level.Version})");
            }
        });
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"restarted in {restartSeconds:0.0} s; read back {count:N0} pairs in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s: " +
            $"{count - mismatches - unreadable:N0} exact, {mismatches} WRONG, {unreadable} unreadable"));
        Console.WriteLine($"errors: {retries} retried calls, {refused} refused, {uncertain.Count(u => u)} with an unknown outcome");

        await new ResultRow(
                string.Create(CultureInfo.InvariantCulture, $"engine: stopping a silo holding {count:N0} changed pairs (PostgreSQL, in process)"),
                string.Create(CultureInfo.InvariantCulture, $"stopped in {stopSeconds:0.0} s (IHost.StopAsync, as on SIGTERM); changed at {perSecond:#,0} pairs/s"),
                null, null, null,
                MovementsScenario.ErrorsCell(retries + refused + unreadable, mismatches, uncertain.Count(u => u)),
                "yes (ack after commit)")
            .AppendToAsync(options.Text("row-to"));
        await again.StopAsync();
        return mismatches == 0 && unreadable == 0 && refused == 0 ? 0 : 1;
    }
}
