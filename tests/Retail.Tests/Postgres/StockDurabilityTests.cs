using Microsoft.Extensions.Hosting;
using Npgsql;
using Retail.Common;
using Retail.Stock;

namespace Retail.Tests.Postgres;

/// <summary>The ledger is the truth: what was acknowledged survives a restart and a hard kill, exactly once.</summary>
[Collection(PostgresServer.Collection)]
public sealed class StockDurabilityTests(PostgresServer server)
{
    private static async Task<long> CountLedgerRows(string connectionString, string storeId, string sku)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand("SELECT count(*) FROM stock_movements WHERE store_id = @s AND sku = @k");
        command.Parameters.AddWithValue("s", storeId);
        command.Parameters.AddWithValue("k", sku);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task ApplySalesAndReceipts(IGrainFactory grains, string storeId, string sku, int count)
    {
        var stock = grains.GetGrain<IStockGrain>(GrainKeys.Stock(storeId, sku));
        await stock.ApplyAsync(new StockMovement("opening", MovementType.GoodsReceipt, 1000));
        await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
        {
            var result = await stock.ApplyAsync(new StockMovement($"sale-{i}", MovementType.Sale, 1.5m));
            Assert.Null(result.Error);
        }));
    }

    [Fact]
    public async Task A_silo_killed_before_its_snapshot_recovers_the_exact_balance_from_the_ledger()
    {
        var database = await server.CreateDatabaseAsync();
        await using (var first = await SiloProcess.StartAsync(database, "kill-1"))
        {
            using var client = await first.ConnectClientAsync(database);
            // 37 sales stay below the snapshot interval; 250 cross it twice and leave a tail to replay.
            await ApplySalesAndReceipts(client.Grains(), "msk-1", "milk", 37);
            await ApplySalesAndReceipts(client.Grains(), "msk-1", "bread", 250);
            await client.StopAsync();
            await first.KillAsync();
        }

        Assert.Equal(38, await CountLedgerRows(database, "msk-1", "milk"));
        Assert.Equal(251, await CountLedgerRows(database, "msk-1", "bread"));

        await using var second = await SiloProcess.StartAsync(database, "kill-2");
        using var client2 = await second.ConnectClientAsync(database);
        var milk = client2.Grains().GetGrain<IStockGrain>(GrainKeys.Stock("msk-1", "milk"));
        var bread = client2.Grains().GetGrain<IStockGrain>(GrainKeys.Stock("msk-1", "bread"));

        Assert.Equal(new StockLevel("msk-1", "milk", 1000 - 37 * 1.5m, 0, 0, 38), await milk.GetAsync());
        Assert.Equal(new StockLevel("msk-1", "bread", 1000 - 250 * 1.5m, 0, 0, 251), await bread.GetAsync());

        // A till retrying an acknowledged sale after the crash writes nothing off again.
        var retry = await milk.ApplyAsync(new StockMovement("sale-3", MovementType.Sale, 1.5m));
        Assert.True(retry.Replayed);
        Assert.Equal(38, (await milk.GetAsync()).Version);
        Assert.Equal(38, await CountLedgerRows(database, "msk-1", "milk"));
        await client2.StopAsync();
    }

    [Fact]
    public async Task Stock_survives_a_graceful_restart_with_its_history()
    {
        var database = await server.CreateDatabaseAsync();
        await using (var first = await SiloProcess.StartAsync(database, "restart-1"))
        {
            using var client = await first.ConnectClientAsync(database);
            await ApplySalesAndReceipts(client.Grains(), "spb-1", "tea", 20);
            await client.StopAsync();
            await first.StopGracefullyAsync();
        }

        await using var second = await SiloProcess.StartAsync(database, "restart-2");
        using var client2 = await second.ConnectClientAsync(database);
        var tea = client2.Grains().GetGrain<IStockGrain>(GrainKeys.Stock("spb-1", "tea"));

        Assert.Equal(new StockLevel("spb-1", "tea", 970, 0, 0, 21), await tea.GetAsync());
        var history = await tea.HistoryAsync(100, null);
        Assert.Equal(21, history.Count);
        Assert.Equal(Enumerable.Range(1, 21).Reverse().Select(v => (long)v), history.Select(r => r.Version));
        Assert.Equal(21, await CountLedgerRows(database, "spb-1", "tea"));
        await client2.StopAsync();
    }
}
