using System.Globalization;
using Retail.Faults.Checks;
using Retail.Faults.Faults;
using Retail.Faults.Load;
using Retail.Faults.Processes;
using Retail.Faults.Reporting;

namespace Retail.Faults;

/// <summary>
/// One fault run: start the cluster, set the chain up, let the tills load it while silos are
/// killed and PostgreSQL restarts, wait until every request is answered, then check everything.
/// </summary>
public sealed class FaultRun(FaultOptions options)
{
    private const double ReceiptShare = 0.7;

    public async Task<int> RunAsync()
    {
        var startedAt = DateTimeOffset.UtcNow;
        var log = new AttemptLog();
        var anomalies = new Anomalies();
        var cluster = new Cluster(options);
        Console.WriteLine($"== starting {options.Silos} silos and the API (logs in {options.OutDir})");
        await cluster.StartAsync();
        Console.WriteLine($"   API ready at {cluster.ApiUrl} after {log.Now:0} s");

        var chain = new FaultChain(options);
        using var sender = new PersistentSender(cluster.ApiUrl, cluster.AdminToken, options.Tills + 8, log);
        Console.WriteLine($"== setup: {chain.StoreIds.Count} stores, {chain.Skus.Count} SKUs, {chain.Registers.Count} registers with shifts open, opening stock {FaultChain.OpeningQuantity} per pair");
        var requests = new List<TillRequest>();
        foreach (var batch in chain.SetupBatches())
        {
            var giveUp = log.Now + 120;
            await Parallel.ForEachAsync(batch, new ParallelOptions { MaxDegreeOfParallelism = 8 },
                async (request, _) => await sender.SendUntilAnsweredAsync(request, () => giveUp));
            requests.AddRange(batch);
            if (batch.FirstOrDefault(r => r.Fate != RequestFate.Acknowledged && !(r.Operation == "open shift" && r.FinalCode == "shift_already_open")) is { } failed)
                throw new InvalidOperationException($"Setup failed: {failed.Operation} {failed.Id} answered {failed.FinalStatus} {failed.FinalCode}.");
        }

        var loadStartedAt = log.Now;
        var loadEndsAt = loadStartedAt + options.Seconds;
        var giveUpAt = loadEndsAt + options.Drain;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"== load: {options.Tills} tills for {options.Seconds:0} s; {options.Kills} kills and {(options.PostgresRestart ? 1 : 0)} PostgreSQL restart, " +
            $"one fault every {options.Gap:0.#} s after {options.Baseline:0} s"));
        var injector = new FaultInjector(options, cluster, log);
        var faults = injector.RunAsync(loadStartedAt);
        var perTill = new List<TillRequest>[options.Tills];
        var tills = Enumerable.Range(0, options.Tills).Select(t => Task.Run(async () =>
        {
            var random = new Random(t);
            var register = chain.Registers[t % chain.Registers.Count];
            var mine = perTill[t] = [];
            for (var n = 0; log.Now < loadEndsAt; n++)
            {
                var request = random.NextDouble() < ReceiptShare
                    ? chain.Receipt(random, t, n, register)
                    : chain.Movement(random, t, n, register.StoreId);
                lock (mine) mine.Add(request);
                await sender.SendUntilAnsweredAsync(request, () => giveUpAt);
            }
        })).ToList();
        var progress = ReportProgressAsync(log, loadStartedAt, Task.WhenAll(tills));
        await Task.WhenAll(tills);
        var loadEndedAt = Math.Min(log.Now, loadEndsAt);
        await faults;
        await progress;
        foreach (var mine in perTill)
            requests.AddRange(mine);
        Console.WriteLine($"   all requests answered or given up at {log.Now - loadStartedAt:0} s");
        if (!cluster.ApiAlive)
            anomalies.Add("API process exited", "see " + cluster.Log("api"));
        foreach (var fault in injector.Events.Where(f => f.Error is not null))
            anomalies.Add("fault not undone (silo or PostgreSQL not back)", $"{fault.Kind} {fault.Target}: {fault.Error}");
        foreach (var request in requests.Where(r => r.Fate is RequestFate.Unanswered or RequestFate.Pending))
            anomalies.Add("request never answered, retried until the drain ended", $"{request.Operation} {request.Id}: last {request.FinalStatus} {request.FinalCode}");
        FaultReport.JudgeAttempts(log.All, loadStartedAt, anomalies);

        Console.WriteLine("== checks from SQL");
        LedgerTruth? truth = null;
        try
        {
            truth = await LedgerChecks.RunAsync(options.Connection, chain, requests, anomalies);
            Console.WriteLine($"   {truth.JournalRows} journal rows and {truth.LedgerRows} ledger rows read");
            Console.WriteLine("== checks through the API");
            await ViewChecks.RunAsync(sender.Http, chain, truth, startedAt, anomalies);
        }
        catch (Exception error) when (error is Npgsql.NpgsqlException or InvalidOperationException or TimeoutException)
        {
            anomalies.Add("checks could not run", error.Message);
        }

        var report = FaultReport.Build(options, startedAt, loadStartedAt, loadEndedAt, requests, log.All, injector.Events, truth, anomalies);
        var path = Path.Combine(options.OutDir, "report.json");
        await report.WriteJsonAsync(path);
        Console.WriteLine();
        Console.Write(report.Summary());
        Console.WriteLine($"report:     {path}");
        return report.AnomalyCount == 0 ? 0 : 1;
    }

    /// <summary>A line every 10 s, so a CI log shows the run going (or stuck).</summary>
    private static async Task ReportProgressAsync(AttemptLog log, double loadStartedAt, Task done)
    {
        var seen = 0;
        while (await Task.WhenAny(done, Task.Delay(TimeSpan.FromSeconds(10))) != done)
        {
            var all = log.All;
            var recent = all.Skip(seen).ToList();
            seen = all.Count;
            var failed = recent.Where(a => !a.Succeeded).GroupBy(a => a.StatusText).Select(g => $"{g.Key}: {g.Count()}");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {log.Now - loadStartedAt,6:0.0}s  last 10 s: {recent.Count(a => a.Succeeded)} acknowledged; {string.Join(", ", failed.DefaultIfEmpty("no failures"))}"));
        }
    }
}
