using Microsoft.Extensions.Hosting;
using Npgsql;
using Retail.Orleans.Registers;
using Retail.Orleans.Tests.Registers;

namespace Retail.Orleans.Tests.Postgres;

/// <summary>Fiscal counters live in the journal: a hard-killed silo's registers continue exactly where the journal ends.</summary>
[Collection(PostgresServer.Collection)]
public sealed class RegisterDurabilityTests(PostgresServer server)
{
    [Fact]
    public async Task A_register_killed_mid_day_continues_its_numbers_and_its_stock_from_the_journal()
    {
        var database = await server.CreateDatabaseAsync();
        string storeId;
        var acknowledged = new List<ReceiptDocument>();
        await using (var first = await SiloProcess.StartAsync(database, "fiscal-1"))
        {
            using var client = await first.ConnectClientAsync(database);
            var scenario = await new RegisterScenario(client.Grains()).WithStoreAsync();
            storeId = scenario.StoreId;
            await scenario.DefineSkuAsync("milk");
            await scenario.ReceiveAsync("milk", 500);
            var register = await scenario.OpenRegisterAsync("till-7");
            for (var i = 0; i < 30; i++)
                acknowledged.Add((await register.FiscalizeAsync(RegisterScenario.Sale($"r{i}", "milk", 2, 90))).Value!);
            await client.StopAsync();
            await first.KillAsync();
        }

        await using var second = await SiloProcess.StartAsync(database, "fiscal-2");
        using var client2 = await second.ConnectClientAsync(database);
        var again = new RegisterScenario(client2.Grains());
        var till = again.Register("till-7");

        var retry = await till.FiscalizeAsync(RegisterScenario.Sale("r29", "milk", 2, 90));
        var next = await till.FiscalizeAsync(RegisterScenario.Sale("r30", "milk", 2, 90));
        var view = (await till.GetAsync())!;

        Assert.True(retry.Replayed);
        Assert.Equal(acknowledged[^1].FiscalSign, retry.Value!.FiscalSign);
        Assert.Equal(Enumerable.Range(3, 30).Select(n => (long)n), acknowledged.Select(d => d.FiscalDocumentNumber));
        Assert.Equal((33L, 31), (next.Value!.FiscalDocumentNumber, next.Value.ReceiptNumber));
        Assert.Equal(33, view.LastFiscalDocumentNumber);
        Assert.True(view.Shift.IsOpen);

        await using var dataSource = NpgsqlDataSource.Create(database);
        await using var count = dataSource.CreateCommand(
            "SELECT (SELECT count(*) FROM register_journal WHERE register_id = 'till-7' AND kind = 'receipt'), " +
            "(SELECT count(*) FROM stock_movements WHERE store_id = @s AND sku = 'milk' AND type = 'sale'), " +
            "(SELECT on_hand_after FROM stock_movements WHERE store_id = @s AND sku = 'milk' ORDER BY version DESC LIMIT 1)");
        count.Parameters.AddWithValue("s", storeId);
        await using var reader = await count.ExecuteReaderAsync();
        await reader.ReadAsync();
        Assert.Equal((31L, 31L, 500m - 31 * 2), (reader.GetInt64(0), reader.GetInt64(1), reader.GetDecimal(2)));
        await client2.StopAsync();
    }
}
