using Microsoft.Extensions.Hosting;
using Npgsql;
using Retail.Orleans.Analytics;
using Retail.Orleans.Common;
using Retail.Orleans.Procurement;
using Retail.Orleans.Registers;
using Retail.Orleans.Stock;
using Retail.Orleans.Tests.Registers;

namespace Retail.Orleans.Tests.Postgres;

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
        await using var receipts = dataSource.CreateCommand(
            "SELECT count(*) FILTER (WHERE document->'receipt'->>'operation' = 'sell'), " +
            "count(*) FILTER (WHERE document->'receipt'->>'operation' = 'sellRefund'), " +
            "coalesce(sum(CASE WHEN document->'receipt'->>'operation' = 'sell' THEN (document->'receipt'->>'total')::numeric " +
            "ELSE -(document->'receipt'->>'total')::numeric END), 0) FROM register_journal WHERE store_id = @s AND kind = 'receipt'");
        receipts.Parameters.AddWithValue("s", storeId);
        await using var reader = await receipts.ExecuteReaderAsync();
        await reader.ReadAsync();
        var (sells, refunds, revenue) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetDecimal(2));
        await reader.CloseAsync();
        Assert.True(sells + refunds >= 120);

        var analytics = grains.GetGrain<IStoreAnalyticsGrain>(GrainKeys.Store(storeId));
        var days = await analytics.SalesAsync(DateTimeOffset.UtcNow.AddDays(-2), DateTimeOffset.UtcNow.AddDays(2), BucketSize.Day);
        Assert.Equal((sells, refunds, revenue), ((long)days.Sum(d => d.Receipts), (long)days.Sum(d => d.Refunds), days.Sum(d => d.Revenue)));
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
}
