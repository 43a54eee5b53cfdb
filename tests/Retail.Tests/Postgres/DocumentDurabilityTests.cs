using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Retail.Catalog;
using Retail.Common;
using Retail.Documents;
using Retail.Registers;
using Retail.Registers.Fiscal;
using Retail.Stock;
using Retail.Tests.Cluster;

namespace Retail.Tests.Postgres;

/// <summary>Documents in the PostgreSQL mode: a killed silo loses no transition, and a reservation expires once after a restart.</summary>
[Collection(PostgresServer.Collection)]
public sealed class DocumentDurabilityTests(PostgresServer server)
{
    private static async Task DefineAsync(IGrainFactory grains, params string[] stores)
    {
        foreach (var store in stores)
            await grains.GetGrain<IStoreGrain>(GrainKeys.Store(store)).DefineAsync(new Store(store, store, "Moscow", "Europe/Moscow", "7707083893", TaxationSystem.Osn));
        Assert.Null((await grains.GetGrain<ISkuGrain>(GrainKeys.Sku("milk")).DefineAsync(
            new Sku("milk", "Milk", MeasureUnit.Piece, VatRate.Vat10, 90, SkuKind.Goods, false, [], []))).Error);
    }

    private static async Task<long> RowsAsync(string database, string storeId, MovementType type)
    {
        await using var data = NpgsqlDataSource.Create(database);
        await using var command = data.CreateCommand("SELECT count(*) FROM stock_movements WHERE store_id = @s AND sku = 'milk' AND type = @t");
        command.Parameters.AddWithValue("s", storeId);
        command.Parameters.AddWithValue("t", PostgresStockLedger.TypeName(type));
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task A_silo_killed_between_ship_and_receive_loses_nothing_at_either_end()
    {
        var database = await server.CreateDatabaseAsync();
        await using (var first = await SiloProcess.StartAsync(database, "docs-1"))
        {
            using var client = await first.ConnectClientAsync(database);
            var grains = client.Grains();
            await DefineAsync(grains, "from", "to");
            await grains.GetGrain<IStockGrain>(GrainKeys.Stock("from", "milk")).ApplyAsync(new StockMovement("opening", MovementType.GoodsReceipt, 100));
            var transfer = grains.GetGrain<ITransferGrain>(GrainKeys.Transfer("t-1"));
            Assert.Null((await transfer.CreateAsync("from", "to", [new DocumentLine("milk", 30)])).Error);
            Assert.Null((await transfer.ShipAsync()).Error);
            await client.StopAsync();
            await first.KillAsync();
        }

        await using var second = await SiloProcess.StartAsync(database, "docs-2");
        using var again = await second.ConnectClientAsync(database);
        var after = again.Grains();
        var shipped = after.GetGrain<ITransferGrain>(GrainKeys.Transfer("t-1"));
        Assert.Equal(TransferStatus.Shipped, (await shipped.GetAsync())!.Status);
        Assert.Equal(ErrorCodes.InvalidState, (await shipped.ShipAsync()).Error?.Code);
        var received = await shipped.ReceiveAsync([new DocumentLine("milk", 28)]);

        Assert.Equal(TransferStatus.Received, received.Value!.Status);
        var (source, destination) = (await after.GetGrain<IStockGrain>(GrainKeys.Stock("from", "milk")).GetAsync(),
            await after.GetGrain<IStockGrain>(GrainKeys.Stock("to", "milk")).GetAsync());
        Assert.Equal(70m, source.OnHand);
        Assert.Equal((28m, 0m), (destination.OnHand, destination.Incoming));
        Assert.Equal((1L, 1L), (await RowsAsync(database, "from", MovementType.TransferOut), await RowsAsync(database, "to", MovementType.TransferIn)));
        Assert.Equal(2L, await RowsAsync(database, "to", MovementType.Incoming));
    }

    [Fact]
    public async Task A_reservation_outlives_a_silo_restart_in_its_reminder_and_expires_exactly_once()
    {
        var database = await server.CreateDatabaseAsync();
        var clock = new ManualClock();
        using (var first = await ApiKeyDurabilityTests.StartSiloAsync(database, clock))
        {
            var grains = first.Services.GetRequiredService<IGrainFactory>();
            await DefineAsync(grains, "shop");
            await grains.GetGrain<IStockGrain>(GrainKeys.Stock("shop", "milk")).ApplyAsync(new StockMovement("opening", MovementType.GoodsReceipt, 10));
            var created = await grains.GetGrain<IOrderGrain>(GrainKeys.Order("o-1")).CreateAsync(
                new OrderRequest("shop", [new OrderLine("milk", 4, 90)], new CustomerInput("buyer@example.ru", null), null, 30));
            Assert.Null(created.Error);
            await first.StopAsync();
        }

        using var second = await ApiKeyDurabilityTests.StartSiloAsync(database, clock);
        var after = second.Services.GetRequiredService<IGrainFactory>();
        await using (var data = NpgsqlDataSource.Create(database))
        await using (var reminders = data.CreateCommand("SELECT count(*) FROM orleans_reminder WHERE grain_id LIKE '%order/o-1%' AND reminder_name = @name"))
        {
            reminders.Parameters.AddWithValue("name", OrderGrain.ExpiryReminder);
            Assert.Equal(1L, (long)(await reminders.ExecuteScalarAsync())!);
        }
        var order = after.GetGrain<IOrderGrain>(GrainKeys.Order("o-1"));
        Assert.Equal(4m, (await after.GetGrain<IStockGrain>(GrainKeys.Stock("shop", "milk")).GetAsync()).Reserved);

        clock.Advance(TimeSpan.FromMinutes(31));
        await order.AsReference<IRemindable>().ReceiveReminder(OrderGrain.ExpiryReminder, default);
        await order.AsReference<IRemindable>().ReceiveReminder(OrderGrain.ExpiryReminder, default);

        Assert.Equal(OrderStatus.Expired, (await order.GetAsync())!.Status);
        Assert.Equal(ErrorCodes.InvalidState, (await order.PayAsync([new PaymentInput(PaymentType.Electronic, 360)])).Error?.Code);
        Assert.Equal((10m, 0m), ((await after.GetGrain<IStockGrain>(GrainKeys.Stock("shop", "milk")).GetAsync()).OnHand,
            (await after.GetGrain<IStockGrain>(GrainKeys.Stock("shop", "milk")).GetAsync()).Reserved));
        Assert.Equal(1L, await RowsAsync(database, "shop", MovementType.Release));
        await second.StopAsync();
    }
}
