using Microsoft.Extensions.Hosting;
using Npgsql;
using Retail.Analytics;
using Retail.Common;
using Retail.Procurement;
using Retail.Registers;
using Retail.Stock;
using Retail.Tests.Registers;

namespace Retail.Tests.Postgres;

/// <summary>
/// A silo is killed while sales stream in. Whatever the memory stream lost, the consumers catch up
/// from the journal: analytics, the chain view and procurement agree exactly with the database.
/// </summary>
[Collection(PostgresServer.Collection)]
public sealed class StreamConsumersDurabilityTests(PostgresServer server)
{
    [Fact]
    public async Task After_a_kill_mid_stream_analytics_chain_view_and_procurement_agree_with_the_ledger()
    {
        var database = await server.CreateDatabaseAsync();
        string storeId;
        var acknowledged = 0;
        await using (var first = await SiloProcess.StartAsync(database, "stream-1"))
        {
            using var client = await first.ConnectClientAsync(database);
            var scenario = await new RegisterScenario(client.Grains()).WithStoreAsync("Asia/Yekaterinburg");
            storeId = scenario.StoreId;
            await scenario.DefineSkuAsync("juice", 150);
            await scenario.DefineSkuAsync("chips", 90);
            await scenario.ReceiveAsync("juice", 1000);
            await scenario.ReceiveAsync("chips", 1000);
            var registers = new[] { await scenario.OpenRegisterAsync("till-a"), await scenario.OpenRegisterAsync("till-b") };

            using var stop = new CancellationTokenSource();
            var selling = registers.Select((register, r) => Task.Run(async () =>
            {
                for (var i = 0; !stop.IsCancellationRequested; i++)
                {
                    try
                    {
                        var sale = RegisterScenario.Sale($"{r}-{i}", i % 3 == 0 ? "chips" : "juice", 1 + i % 4, i % 3 == 0 ? 90 : 150,
                            i % 11 == 10 ? "sellRefund" : "sell");
                        if ((await register.FiscalizeAsync(sale)).Error is null)
                            Interlocked.Increment(ref acknowledged);
                    }
                    catch (Exception)
                    {
                        return;
                    }
                }
            })).ToList();
            while (Volatile.Read(ref acknowledged) < 120)
                await Task.Delay(10);
            await first.KillAsync();
            stop.Cancel();
            await Task.WhenAll(selling);
        }

        await using var second = await SiloProcess.StartAsync(database, "stream-2");
        using var client2 = await second.ConnectClientAsync(database);
        var grains = client2.Grains();
        await using var dataSource = NpgsqlDataSource.Create(database);

        // The journal is the truth: what it holds was fiscalized, acknowledged or not.
        var (sells, refunds, revenue) = await JournaledFiguresAsync(dataSource, storeId);
        Assert.True(sells + refunds >= 120);

        var analytics = grains.GetGrain<IStoreAnalyticsGrain>(GrainKeys.Store(storeId));
        Assert.Equal((sells, refunds, revenue), await AnalyticsFiguresAsync(analytics));
        Assert.Equal(sells + refunds, await analytics.CountedReceiptsAsync());

        foreach (var sku in new[] { "juice", "chips" })
        {
            await using var latest = dataSource.CreateCommand(
                "SELECT on_hand_after FROM stock_movements WHERE store_id = @s AND sku = @k ORDER BY version DESC LIMIT 1");
            latest.Parameters.AddWithValue("s", storeId);
            latest.Parameters.AddWithValue("k", sku);
            var onHand = (decimal)(await latest.ExecuteScalarAsync())!;
            var chain = await grains.GetGrain<ISkuStockGrain>(GrainKeys.Sku(sku)).ListAsync();
            Assert.Equal(onHand, Assert.Single(chain).OnHand);
            var suggestion = Assert.Single(await grains.GetGrain<IProcurementGrain>(GrainKeys.Store(storeId)).SuggestionsAsync(), s => s.Sku == sku);
            Assert.Equal(onHand, suggestion.Available);
        }
        await client2.StopAsync();
    }

    [Fact]
    public async Task After_a_silo_of_two_is_killed_mid_stream_each_stores_analytics_equal_its_journaled_receipts_exactly()
    {
        var database = await server.CreateDatabaseAsync();
        // The first silo starts the stream's queues; the second, through its own gateway, gets the
        // registers and analytics. Killing the first loses what its queues held while analytics live on.
        await using var doomed = await SiloProcess.StartAsync(database, "analytics-kill");
        await using var survivor = await SiloProcess.StartAsync(database, "analytics-kill");
        using var client = await survivor.ConnectClientHereAsync();
        var grains = client.Grains();
        var stores = new List<RegisterScenario>();
        var registers = new List<IRegisterGrain>();
        for (var s = 0; s < 4; s++)
        {
            var scenario = await new RegisterScenario(grains).WithStoreAsync("Europe/Samara");
            await scenario.DefineSkuAsync($"tea-{s}", 120);
            await scenario.ReceiveAsync($"tea-{s}", 10_000);
            stores.Add(scenario);
            registers.Add(await scenario.OpenRegisterAsync($"{scenario.StoreId}-a"));
            registers.Add(await scenario.OpenRegisterAsync($"{scenario.StoreId}-b"));
            Assert.Equal(0, await grains.GetGrain<IStoreAnalyticsGrain>(GrainKeys.Store(scenario.StoreId)).CountedReceiptsAsync());
        }

        var acknowledged = 0;
        using var stop = new CancellationTokenSource();
        var selling = registers.Select((register, r) => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                try
                {
                    var sale = RegisterScenario.Sale($"{r}-{i}", $"tea-{r / 2}", 1 + i % 3, 120, i % 9 == 8 ? "sellRefund" : "sell");
                    if ((await register.FiscalizeAsync(sale)).Error is null)
                        Interlocked.Increment(ref acknowledged);
                }
                catch (Exception)
                {
                    // The register's silo is gone; once it is declared dead the register activates on the survivor.
                    await Task.Delay(100);
                }
            }
        })).ToList();
        await WaitForAsync(() => Volatile.Read(ref acknowledged) >= 80);
        await doomed.KillAsync();
        // Sales go on at the survivor, where an analytics grain may have lived through the kill.
        await WaitForAsync(() => Volatile.Read(ref acknowledged) >= 200);
        await stop.CancelAsync();
        await Task.WhenAll(selling);

        await using var dataSource = NpgsqlDataSource.Create(database);
        foreach (var store in stores)
        {
            var journaled = await JournaledFiguresAsync(dataSource, store.StoreId);
            var analytics = grains.GetGrain<IStoreAnalyticsGrain>(GrainKeys.Store(store.StoreId));
            // Within the catch-up period of the grain's timer (or of a new activation), without a further receipt.
            var figures = await Eventually.Until(async () =>
            {
                try
                {
                    return await AnalyticsFiguresAsync(analytics);
                }
                catch (Exception)
                {
                    return default;
                }
            }, f => f == journaled, seconds: 60);
            Assert.Equal(journaled, figures);
            Assert.Equal(journaled.Sells + journaled.Refunds, await analytics.CountedReceiptsAsync());
        }
        await client.StopAsync();
    }

    private static async Task WaitForAsync(Func<bool> holds)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (!holds())
        {
            Assert.True(DateTime.UtcNow < deadline, "The registers stopped taking receipts.");
            await Task.Delay(10);
        }
    }

    /// <summary>Sales, refunds and net revenue of the store's journaled receipts: what was fiscalized, acknowledged or not.</summary>
    private static async Task<(long Sells, long Refunds, decimal Revenue)> JournaledFiguresAsync(NpgsqlDataSource dataSource, string storeId)
    {
        await using var receipts = dataSource.CreateCommand(
            "SELECT count(*) FILTER (WHERE document->'receipt'->>'operation' = 'sell'), " +
            "count(*) FILTER (WHERE document->'receipt'->>'operation' = 'sellRefund'), " +
            "coalesce(sum(CASE WHEN document->'receipt'->>'operation' = 'sell' THEN (document->'receipt'->>'total')::numeric " +
            "ELSE -(document->'receipt'->>'total')::numeric END), 0) FROM register_journal WHERE store_id = @s AND kind = 'receipt'");
        receipts.Parameters.AddWithValue("s", storeId);
        await using var reader = await receipts.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetDecimal(2));
    }

    private static async Task<(long Sells, long Refunds, decimal Revenue)> AnalyticsFiguresAsync(IStoreAnalyticsGrain analytics)
    {
        var days = await analytics.SalesAsync(DateTimeOffset.UtcNow.AddDays(-2), DateTimeOffset.UtcNow.AddDays(2), BucketSize.Day);
        return (days.Sum(d => d.Receipts), days.Sum(d => d.Refunds), days.Sum(d => d.Revenue));
    }
}
