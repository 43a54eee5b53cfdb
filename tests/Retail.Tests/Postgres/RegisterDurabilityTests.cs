using Microsoft.Extensions.Hosting;
using Npgsql;
using Retail.Registers;
using Retail.Tests.Registers;

namespace Retail.Tests.Postgres;

/// <summary>
/// Fiscal counters live in the journal: a hard-killed silo's registers continue exactly where the journal ends,
/// device registers with the FD numbers they received.
/// </summary>
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

    [Fact]
    public async Task A_device_register_killed_mid_replay_keeps_its_gaps_and_applies_each_receipt_once_after_restart()
    {
        var database = await server.CreateDatabaseAsync();
        var till = new DeviceTill(DeviceTill.NewFnSerial(), DateTimeOffset.UtcNow.AddDays(-1));
        till.OpenShift();
        for (var i = 0; i < 260; i++)
            till.Sell($"d{i}", "bread", 1, 54);
        till.CloseShift();
        var withheld = till.Receipts.Where((_, i) => i % 26 == 5).ToList();
        string storeId;
        long gapsBeforeKill;
        await using (var first = await SiloProcess.StartAsync(database, "device-1"))
        {
            using var client = await first.ConnectClientAsync(database);
            var scenario = await new RegisterScenario(client.Grains()).WithStoreAsync();
            storeId = scenario.StoreId;
            await scenario.DefineSkuAsync("bread");
            await scenario.ReceiveAsync("bread", 1000);
            var register = scenario.Register("kkt-9");
            Assert.Null((await register.RegisterDeviceAsync(new DeviceRegistration(storeId, till.FnSerial, DeviceTill.RegistrationNumber))).Error);
            foreach (var document in till.Printed.Except(withheld).OrderBy(_ => Random.Shared.Next()))
                Assert.Null((await document.SendAsync(register)).Error);
            gapsBeforeKill = (await register.GetGapsAsync())!.MissingCount;
            await client.StopAsync();
            await first.KillAsync();
        }

        await using var second = await SiloProcess.StartAsync(database, "device-2");
        using var client2 = await second.ConnectClientAsync(database);
        var till9 = new RegisterScenario(client2.Grains()).Register("kkt-9");
        var gapsAfterRestart = (await till9.GetGapsAsync())!;
        // The whole day again, as a till that does not know what got through: only the withheld ten are new.
        var replay = new List<(string? Error, bool Replayed)>();
        foreach (var document in till.Printed.OrderBy(_ => Random.Shared.Next()))
            replay.Add(await document.SendAsync(till9));
        var gaps = (await till9.GetGapsAsync())!;

        Assert.Equal(10, gapsBeforeKill);
        Assert.Equal(withheld.Select(w => w.FiscalDocumentNumber).Order(), gapsAfterRestart.FiscalDrives.Single().Missing);
        Assert.All(replay, r => Assert.Null(r.Error));
        Assert.Equal(till.Printed.Count - 10, replay.Count(r => r.Replayed));
        Assert.Equal(0, gaps.MissingCount);
        Assert.Equal(263, (await till9.GetAsync())!.LastFiscalDocumentNumber);

        await using var dataSource = NpgsqlDataSource.Create(database);
        await using var count = dataSource.CreateCommand(
            "SELECT (SELECT count(*) FROM register_journal WHERE register_id = 'kkt-9' AND kind = 'receipt' AND fn_serial = @fn), " +
            "(SELECT count(DISTINCT fiscal_document_number) FROM register_journal WHERE register_id = 'kkt-9' AND fn_serial = @fn), " +
            "(SELECT count(*) FROM stock_movements WHERE store_id = @s AND sku = 'bread' AND type = 'sale'), " +
            "(SELECT on_hand_after FROM stock_movements WHERE store_id = @s AND sku = 'bread' ORDER BY version DESC LIMIT 1)");
        count.Parameters.AddWithValue("s", storeId);
        count.Parameters.AddWithValue("fn", till.FnSerial);
        await using var reader = await count.ExecuteReaderAsync();
        await reader.ReadAsync();
        Assert.Equal((260L, 262L, 260L, 1000m - 260), (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetDecimal(3)));
        await client2.StopAsync();
    }
}
