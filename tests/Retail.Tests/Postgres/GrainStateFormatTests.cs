using Microsoft.Extensions.DependencyInjection;
using Retail.Access;
using Retail.Analytics;
using Retail.Catalog;
using Retail.Common;
using Retail.Documents;
using Retail.Procurement;
using Retail.Registers;
using Retail.Stock;
using Retail.Registers.Fiscal;

namespace Retail.Tests.Postgres;

/// <summary>
/// Grain state rows are written by the Orleans serializer (the state types' aliases and ids are the
/// contract), and rows an earlier version wrote as JSON are still read, then rewritten in today's format.
/// </summary>
[Collection(PostgresServer.Collection)]
public sealed class GrainStateFormatTests(PostgresServer server)
{
    private static Task<object?> PayloadStartAsync(string connectionString, string key) =>
        Sql.ScalarAsync(connectionString, "SELECT get_byte(payload, 0) FROM orleans_grain_state WHERE grain_id_extension = @key", ("key", key));

    [Fact]
    public async Task A_new_row_is_in_the_orleans_format_and_reads_back_after_a_restart()
    {
        var connectionString = await server.CreateDatabaseAsync();
        var sku = new Sku("tea", "Green tea", MeasureUnit.Gram, VatRate.Vat10, 12.5m, SkuKind.Goods, false, ["4600000000024"], []);
        using (var host = await ApiKeyDurabilityTests.StartSiloAsync(connectionString))
        {
            var defined = await host.Services.GetRequiredService<IGrainFactory>().GetGrain<ISkuGrain>(GrainKeys.Sku("tea")).DefineAsync(sku);
            Assert.Null(defined.Error);
            await host.StopAsync();
        }
        Assert.NotEqual((int)'{', await PayloadStartAsync(connectionString, GrainKeys.Sku("tea")));

        using (var host = await ApiKeyDurabilityTests.StartSiloAsync(connectionString))
        {
            var read = await host.Services.GetRequiredService<IGrainFactory>().GetGrain<ISkuGrain>(GrainKeys.Sku("tea")).GetAsync();
            Assert.NotNull(read);
            Assert.Equal((sku.Code, sku.Name, sku.Unit, sku.Vat, sku.Price), (read.Code, read.Name, read.Unit, read.Vat, read.Price));
            Assert.Equal(sku.Barcodes, read.Barcodes);
            Assert.Equal(sku.Components, read.Components);
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task Rows_an_earlier_version_wrote_as_json_are_read_and_the_next_write_moves_them_to_the_orleans_format()
    {
        var connectionString = await server.CreateDatabaseAsync();
        var rows = await File.ReadAllTextAsync(Path.Combine(PostgresServer.RepositoryRoot(), "tests", "Retail.Tests", "Postgres", "Fixtures", "legacy-grain-state.sql"));
        Assert.Equal(28, await Sql.ExecuteAsync(connectionString, rows));
        Assert.Equal((int)'{', await PayloadStartAsync(connectionString, GrainKeys.Sku("latte")));

        using var host = await ApiKeyDurabilityTests.StartSiloAsync(connectionString);
        var grains = host.Services.GetRequiredService<IGrainFactory>();

        var milk = await grains.GetGrain<ISkuGrain>(GrainKeys.Sku("milk-1l")).GetAsync();
        Assert.NotNull(milk);
        Assert.Equal(("Milk 3.2% 1 l", MeasureUnit.Piece, VatRate.Vat10, 89.90m, SkuKind.Goods), (milk.Name, milk.Unit, milk.Vat, milk.Price, milk.Kind));
        Assert.Equal(["4600000000017"], milk.Barcodes);
        // Written with defaults left out: kilograms and the standard rate.
        var coffee = await grains.GetGrain<ISkuGrain>(GrainKeys.Sku("coffee-beans")).GetAsync();
        Assert.Equal((MeasureUnit.Kilogram, VatRate.Vat22, 1890.00m), (coffee!.Unit, coffee.Vat, coffee.Price));
        // A recipe held in a collection type the compiler made in the API's assembly.
        var latte = await grains.GetGrain<ISkuGrain>(GrainKeys.Sku("latte")).GetAsync();
        Assert.Equal(SkuKind.Dish, latte!.Kind);
        Assert.Equal([new RecipeComponent("coffee-beans", 0.018m), new RecipeComponent("milk-1l", 0.2m), new RecipeComponent("cup", 1.0m)], latte.Components);

        var store = await grains.GetGrain<IStoreGrain>(GrainKeys.Store("msk-1")).GetAsync();
        Assert.Equal(("Store msk-1", "7707083893", TaxationSystem.Osn), (store!.Name, store.Inn, store.TaxationSystem));
        Assert.Equal(["msk-1", "msk-2", "spb-1"], await grains.GetGrain<IChainGrain>(GrainKeys.Chain).StoreIdsAsync());
        Assert.Equal("milk-1l", await grains.GetGrain<ISkuAliasGrain>(GrainKeys.SkuAlias("barcode", "4600000000017")).GetAsync());

        // Every other kind of state those versions kept.
        var keys = await grains.GetGrain<IApiKeyDirectoryGrain>(GrainKeys.ApiKeyDirectory).ListAsync();
        Assert.Equal([(ApiRole.Manager, ""), (ApiRole.Cashier, "till-1")],
            keys.OrderBy(k => k.Role).Select(k => (k.Role, string.Join(",", k.RegisterIds))));
        Assert.Equal(["msk-1"], keys.Single(k => k.Role == ApiRole.Manager).StoreIds);
        var mail = Assert.Single(await grains.GetGrain<IEReceiptOutboxGrain>(GrainKeys.Store("msk-1")).ListAsync());
        Assert.Equal(("rc1", "till-1", "buyer@example.com"), (mail.ReceiptId, mail.RegisterId, mail.Contact));
        var transfer = Assert.Single(await grains.GetGrain<ITransferListGrain>(GrainKeys.Store("msk-2")).ListAsync(null, 10));
        Assert.Equal(("tr1", "msk-1"), (transfer.Id, transfer.FromStoreId));
        var order = await grains.GetGrain<IPurchaseOrderGrain>(GrainKeys.PurchaseOrder("po1")).GetAsync();
        Assert.Equal(("msk-1", "Agro", "ordered"), (order!.StoreId, order.Supplier, order.Status));
        Assert.Equal(["rice"], order.Lines.Select(l => l.Sku));
        var promotion = await grains.GetGrain<IPromotionGrain>(GrainKeys.Promotion("promo-1")).ReportAsync();
        Assert.Equal(["rice"], promotion!.Promotion.Skus);
        Assert.Equal((new DateOnly(2026, 12, 1), new DateOnly(2026, 12, 7)), (promotion.Promotion.From, promotion.Promotion.To));
        var top = await grains.GetGrain<IStoreAnalyticsGrain>(GrainKeys.Store("msk-1"))
            .TopAsync(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 12, 31, 0, 0, 0, TimeSpan.Zero), byUnits: true, 10);
        Assert.Equal([("milk-1l", 2m, 179.80m)], top.Select(t => (t.Sku, t.Units, t.Revenue)));
        Assert.Empty(await grains.GetGrain<IStoreStockGrain>(GrainKeys.Store("msk-1")).ReorderPointsAsync());

        // The next write of a legacy row stores it in today's format, at the next version.
        Assert.Null((await grains.GetGrain<ISkuGrain>(GrainKeys.Sku("latte")).DefineAsync(latte with { Price = 230m })).Error);
        Assert.NotEqual((int)'{', await PayloadStartAsync(connectionString, GrainKeys.Sku("latte")));
        Assert.Equal(2, await Sql.ScalarAsync(connectionString, "SELECT version FROM orleans_grain_state WHERE grain_id_extension = 'sku/latte'"));
        await host.StopAsync();
    }
}
