using Retail.Analytics;
using Retail.Catalog;
using Retail.Common;
using Retail.Procurement;
using Retail.Registers;
using Retail.Registers.Fiscal;
using Retail.Stock;
using Retail.Tests.Cluster;
using Retail.Tests.Registers;

namespace Retail.Tests.Procurement;

[Collection(TwoSiloCollection.Name)]
public sealed class ProcurementClusterTests(TwoSiloCluster fixture)
{
    [Fact]
    public async Task Falling_below_the_reorder_point_suggests_an_order_raises_stock_low_and_receiving_moves_incoming_to_on_hand()
    {
        var store = await new RegisterScenario(fixture.Grains).WithStoreAsync();
        var sku = $"rice-{Guid.NewGuid():N}"[..13];
        Assert.Null((await fixture.Grains.GetGrain<ISkuGrain>(GrainKeys.Sku(sku))
            .DefineAsync(new Sku(sku, "Rice", MeasureUnit.Piece, VatRate.Vat10, 120, SkuKind.Goods, false, [], [],
                new SupplyTerms(LeadTimeDays: 3, ReviewPeriodDays: 7, PackSize: 12, MinimumOrder: 24)))).Error);
        await store.ReceiveAsync(sku, 200);
        var register = await store.OpenRegisterAsync();

        // Two weeks of steady demand: ten a day, one day at a time.
        for (var day = 0; day < 14; day++)
        {
            Assert.Null((await register.FiscalizeAsync(RegisterScenario.Sale($"d{day}", sku, 10, 120))).Error);
            TwoSiloCluster.Clock.Advance(TimeSpan.FromDays(1));
            Assert.Null((await register.CloseShiftAsync(null)).Error);
            Assert.Null((await register.OpenShiftAsync(new CashierInfo("Ivanova", null))).Error);
        }
        var analytics = fixture.Grains.GetGrain<IStoreAnalyticsGrain>(GrainKeys.Store(store.StoreId));
        await Eventually.Until(analytics.CountedReceiptsAsync, n => n == 14);
        var procurement = fixture.Grains.GetGrain<IProcurementGrain>(GrainKeys.Store(store.StoreId));

        var calm = Assert.Single(await procurement.SuggestionsAsync(), s => s.Sku == sku);
        Assert.Equal((10m, 30m, 0m, 60m), (calm.DailyDemand, calm.ReorderPoint, calm.SuggestedQuantity, calm.Available));
        Assert.Equal(6m, calm.DaysOfCover);

        Assert.Null((await register.FiscalizeAsync(RegisterScenario.Sale("rush", sku, 35, 120))).Error);
        var stockView = fixture.Grains.GetGrain<IStoreStockGrain>(GrainKeys.Store(store.StoreId));
        var alerts = await Eventually.Until(stockView.RecentAlertsAsync, a => a.Any(x => x.Type == "stock.low"));
        var low = Assert.Single(alerts, a => a.Type == "stock.low");
        Assert.Equal((sku, 25m, 30m), (low.Level.Sku, low.Level.Available, low.ReorderPoint!.Value));

        // Up to 30 + 10 x 7 = 100 from 25: 75, in packs of 12: 84.
        var draft = await procurement.DraftPurchaseOrderAsync($"po-{Guid.NewGuid():N}"[..16], "Rice & Co");
        Assert.Equal(("draft", 84m), (draft.Value!.Status, Assert.Single(draft.Value.Lines).Ordered));
        Assert.Equal(0, (await store.StockAsync(sku)).Incoming);

        var order = fixture.Grains.GetGrain<IPurchaseOrderGrain>(GrainKeys.PurchaseOrder(draft.Value.Id));
        Assert.Equal("ordered", (await order.PlaceAsync()).Value!.Status);
        Assert.Equal((25m, 84m), ((await store.StockAsync(sku)).OnHand, (await store.StockAsync(sku)).Incoming));

        var partial = await order.ReceiveAsync("truck-1", [new PurchaseOrderLine(sku, 50)]);
        Assert.Equal(("partiallyReceived", 50m), (partial.Value!.Status, partial.Value.Lines[0].Received));
        Assert.Equal((75m, 34m), ((await store.StockAsync(sku)).OnHand, (await store.StockAsync(sku)).Incoming));

        var rest = await order.ReceiveAsync("truck-2", [new PurchaseOrderLine(sku, 34)]);
        var retried = await order.ReceiveAsync("truck-2", [new PurchaseOrderLine(sku, 34)]);
        var conflicting = await order.ReceiveAsync("truck-2", [new PurchaseOrderLine(sku, 35)]);

        Assert.Equal("received", rest.Value!.Status);
        Assert.True(retried.Replayed);
        Assert.Equal(ErrorCodes.IdempotencyConflict, conflicting.Error!.Code);
        var final = await store.StockAsync(sku);
        Assert.Equal((109m, 0m), (final.OnHand, final.Incoming));
        var after = Assert.Single(await procurement.SuggestionsAsync(), s => s.Sku == sku);
        Assert.Equal(0m, after.SuggestedQuantity);
    }

    [Fact]
    public async Task A_purchase_order_created_twice_with_one_id_is_placed_once()
    {
        var store = await new RegisterScenario(fixture.Grains).WithStoreAsync();
        await store.DefineSkuAsync("flour");
        var id = $"po-{Guid.NewGuid():N}"[..16];
        var order = fixture.Grains.GetGrain<IPurchaseOrderGrain>(GrainKeys.PurchaseOrder(id));

        var first = await order.CreateAsync(store.StoreId, "Mill", [new PurchaseOrderLine("flour", 30)], draft: false);
        var again = await order.CreateAsync(store.StoreId, "Mill", [new PurchaseOrderLine("flour", 30)], draft: false);
        var other = await order.CreateAsync(store.StoreId, "Mill", [new PurchaseOrderLine("flour", 31)], draft: false);

        Assert.Equal("ordered", first.Value!.Status);
        Assert.True(again.Replayed);
        Assert.Equal(ErrorCodes.IdempotencyConflict, other.Error!.Code);
        Assert.Equal(30, (await store.StockAsync("flour")).Incoming);
    }
}
