using Retail.Catalog;
using Retail.Common;
using Retail.Registers;
using Retail.Registers.Fiscal;
using Retail.Stock;

namespace Retail.Tests.Registers;

/// <summary>A store with SKUs and opening stock, and helpers to run its registers through grain calls.</summary>
public sealed class RegisterScenario(IGrainFactory grains)
{
    public string StoreId { get; } = $"st-{Guid.NewGuid():N}"[..14];

    public async Task<RegisterScenario> WithStoreAsync(string timeZone = "Europe/Moscow")
    {
        await grains.GetGrain<IStoreGrain>(GrainKeys.Store(StoreId)).DefineAsync(
            new Store(StoreId, "Test store", "Moscow", timeZone, "7707083893", TaxationSystem.Osn));
        return this;
    }

    public async Task DefineSkuAsync(string sku, decimal price = 100, bool marked = false, SkuKind kind = SkuKind.Goods,
        IReadOnlyList<RecipeComponent>? components = null, MeasureUnit unit = MeasureUnit.Piece, VatRate vat = VatRate.Vat22)
    {
        var result = await grains.GetGrain<ISkuGrain>(GrainKeys.Sku(sku)).DefineAsync(
            new Sku(sku, sku, unit, vat, price, kind, marked, [], components ?? []));
        Assert.Null(result.Error);
    }

    public Task ReceiveAsync(string sku, decimal quantity) =>
        grains.GetGrain<IStockGrain>(GrainKeys.Stock(StoreId, sku)).ApplyAsync(new StockMovement($"opening-{sku}", MovementType.GoodsReceipt, quantity));

    public Task<StockLevel> StockAsync(string sku) => grains.GetGrain<IStockGrain>(GrainKeys.Stock(StoreId, sku)).GetAsync();

    public IRegisterGrain Register(string registerId) => grains.GetGrain<IRegisterGrain>(GrainKeys.Register(registerId));

    public async Task<IRegisterGrain> OpenRegisterAsync(string? registerId = null)
    {
        var register = Register(registerId ?? $"till-{Guid.NewGuid():N}"[..13]);
        Assert.Null((await register.RegisterAsync(StoreId)).Error);
        Assert.Null((await register.OpenShiftAsync(new CashierInfo("Ivanova", null))).Error);
        return register;
    }

    public static ReceiptInput Sale(string id, string sku, decimal quantity, decimal price, string operation = "sell", string? markingCode = null) =>
        new(id, FiscalNames.TryParseOperation(operation, out var parsed) ? parsed : default, [new ReceiptItemInput(sku, quantity, price, markingCode)],
            [new PaymentInput(PaymentType.Electronic, Money.RoundToKopecks(quantity * price))]);
}
