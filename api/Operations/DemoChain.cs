using Retail.Catalog;
using Retail.Common;
using Retail.Registers.Fiscal;
using Retail.Stock;

namespace Retail.Api.Operations;

/// <summary>With <c>--demo</c>: a small chain to try the API on (three stores, a few SKUs, a recipe, opening stock).</summary>
public sealed class DemoChain(IGrainFactory grains, IHostApplicationLifetime lifetime, ILogger<DemoChain> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() => _ = SeedAsync());
        return Task.CompletedTask;
    }

    private async Task SeedAsync()
    {
        try
        {
            string[] stores = ["msk-1", "msk-2", "spb-1"];
            foreach (var id in stores)
                await grains.Get<IStoreGrain>(GrainKeys.Store(id)).DefineAsync(new Store(id, $"Store {id}",
                    id.StartsWith("spb") ? "Nevsky pr., 1, Saint Petersburg" : "Tverskaya st., 1, Moscow",
                    "Europe/Moscow", "7707083893", TaxationSystem.Osn));
            Sku[] skus =
            [
                new("milk-1l", "Milk 3.2% 1 l", MeasureUnit.Piece, VatRate.Vat10, 89.90m, SkuKind.Goods, false, ["4600000000017"], []),
                new("bread", "Rye bread", MeasureUnit.Piece, VatRate.Vat10, 54.00m, SkuKind.Goods, false, [], []),
                new("coffee-beans", "Coffee beans", MeasureUnit.Kilogram, VatRate.Vat22, 1890.00m, SkuKind.Goods, false, [], []),
                new("cup", "Paper cup", MeasureUnit.Piece, VatRate.Vat22, 5.00m, SkuKind.Goods, false, [], []),
                new("latte", "Latte 300 ml", MeasureUnit.Piece, VatRate.Vat22, 220.00m, SkuKind.Dish, false, [],
                    [new RecipeComponent("coffee-beans", 0.018m), new RecipeComponent("milk-1l", 0.2m), new RecipeComponent("cup", 1)]),
            ];
            foreach (var sku in skus)
                await grains.Get<ISkuGrain>(GrainKeys.Sku(sku.Code)).DefineAsync(sku);
            foreach (var store in stores)
                foreach (var sku in skus.Where(s => s.Kind == SkuKind.Goods))
                    await grains.Get<IStockGrain>(GrainKeys.Stock(store, sku.Code)).ApplyAsync(
                        new StockMovement($"demo-opening-{store}-{sku.Code}", MovementType.GoodsReceipt, sku.Unit == MeasureUnit.Kilogram ? 12.5m : 100, "opening stock"));
            logger.LogInformation("Demo chain ready: stores {Stores}", string.Join(", ", stores));
        }
        catch (Exception error)
        {
            logger.LogError(error, "Demo chain could not be seeded");
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
