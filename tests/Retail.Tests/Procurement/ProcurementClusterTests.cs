using Microsoft.Extensions.DependencyInjection;
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
        // Two weeks of steady demand: ten a day.
        var (store, sku, register) = await SellingDailyAsync("rice", new SupplyTerms(LeadTimeDays: 3, ReviewPeriodDays: 7, PackSize: 12, MinimumOrder: 24),
            received: 200, days: 14, perDay: 10);
        var procurement = fixture.Grains.GetGrain<IProcurementGrain>(GrainKeys.Store(store.StoreId));

        var stockView = fixture.Grains.GetGrain<IStoreStockGrain>(GrainKeys.Store(store.StoreId));

        var calm = Assert.Single(await procurement.SuggestionsAsync(), s => s.Sku == sku);
        Assert.Equal((10m, 30m, 0m, 60m), (calm.DailyDemand, calm.ReorderPoint, calm.SuggestedQuantity, calm.Available));
        Assert.Equal(6m, calm.DaysOfCover);
        // Reading the suggestions sets no reorder point: the hourly refresh does.
        Assert.Empty(await stockView.ReorderPointsAsync());
        await RefreshAsync(procurement);
        Assert.Equal(30m, (await stockView.ReorderPointsAsync())[sku]);

        Assert.Null((await register.FiscalizeAsync(RegisterScenario.Sale("rush", sku, 35, 120))).Error);
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
    public async Task Defining_a_store_schedules_its_hourly_refresh_and_reading_suggestions_leaves_the_reorder_points_as_they_were()
    {
        var (store, sku, register) = await SellingDailyAsync("tea", new SupplyTerms(LeadTimeDays: 2), received: 100, days: 7, perDay: 5);
        var procurement = fixture.Grains.GetGrain<IProcurementGrain>(GrainKeys.Store(store.StoreId));
        var stockView = fixture.Grains.GetGrain<IStoreStockGrain>(GrainKeys.Store(store.StoreId));
        var reminder = await Reminders.ReadRow(procurement.GetGrainId(), ProcurementGrain.RefreshReminder);
        Assert.Equal(ProcurementGrain.RefreshEvery, reminder?.Period);

        var before = await stockView.ReorderPointsAsync();
        var suggestions = await procurement.SuggestionsAsync();
        var again = await procurement.SuggestionsAsync();

        // Five a day for two days' lead time: a reorder point of 10, computed but not set.
        Assert.Equal(10m, Assert.Single(suggestions, s => s.Sku == sku).ReorderPoint);
        Assert.Equal(suggestions, again);
        Assert.Equal(before, await stockView.ReorderPointsAsync());
        Assert.DoesNotContain(sku, (await stockView.ReorderPointsAsync()).Keys);

        await RefreshAsync(procurement);
        Assert.Equal(10m, (await stockView.ReorderPointsAsync())[sku]);
        // 65 left; a sale of 56 takes it to 9, below 10.
        Assert.Null((await register.FiscalizeAsync(RegisterScenario.Sale("big", sku, 56, 120))).Error);
        var low = Assert.Single(await Eventually.Until(stockView.RecentAlertsAsync, a => a.Any(x => x.Type == "stock.low")), a => a.Type == "stock.low");
        Assert.Equal((sku, 9m, 10m), (low.Level.Sku, low.Level.Available, low.ReorderPoint!.Value));
    }

    [Fact]
    public async Task A_refresh_before_its_store_is_defined_drops_the_reminder_and_defining_the_store_schedules_it_again()
    {
        var store = new RegisterScenario(fixture.Grains);
        var procurement = fixture.Grains.GetGrain<IProcurementGrain>(GrainKeys.Store(store.StoreId));

        Assert.Empty(await procurement.SuggestionsAsync());
        Assert.NotNull(await Reminders.ReadRow(procurement.GetGrainId(), ProcurementGrain.RefreshReminder));
        await RefreshAsync(procurement);
        Assert.Null(await Reminders.ReadRow(procurement.GetGrainId(), ProcurementGrain.RefreshReminder));
        await store.WithStoreAsync();

        Assert.NotNull(await Reminders.ReadRow(procurement.GetGrainId(), ProcurementGrain.RefreshReminder));
    }

    /// <summary>A new store with one SKU received, then sold the same every day, one day at a time, until analytics counted every sale.</summary>
    private async Task<(RegisterScenario Store, string Sku, IRegisterGrain Register)> SellingDailyAsync(
        string name, SupplyTerms terms, decimal received, int days, decimal perDay)
    {
        var store = await new RegisterScenario(fixture.Grains).WithStoreAsync();
        var sku = $"{name}-{Guid.NewGuid():N}"[..(name.Length + 9)];
        Assert.Null((await fixture.Grains.GetGrain<ISkuGrain>(GrainKeys.Sku(sku))
            .DefineAsync(new Sku(sku, name, MeasureUnit.Piece, VatRate.Vat10, 120, SkuKind.Goods, false, [], [], terms))).Error);
        await store.ReceiveAsync(sku, received);
        var register = await store.OpenRegisterAsync();
        for (var day = 0; day < days; day++)
        {
            Assert.Null((await register.FiscalizeAsync(RegisterScenario.Sale($"d{day}", sku, perDay, 120))).Error);
            TwoSiloCluster.Clock.Advance(TimeSpan.FromDays(1));
            Assert.Null((await register.CloseShiftAsync(null)).Error);
            Assert.Null((await register.OpenShiftAsync(new CashierInfo("Ivanova", null))).Error);
        }
        await Eventually.Until(fixture.Grains.GetGrain<IStoreAnalyticsGrain>(GrainKeys.Store(store.StoreId)).CountedReceiptsAsync, n => n == days);
        return (store, sku, register);
    }

    /// <summary>The reminder's tick, as the reminder service delivers it (its first is an hour or more away).</summary>
    private static Task RefreshAsync(IProcurementGrain procurement) =>
        procurement.AsReference<IRemindable>().ReceiveReminder(ProcurementGrain.RefreshReminder, default);

    private IReminderTable Reminders =>
        fixture.Cluster.GetSiloServiceProvider().GetRequiredService<IReminderTable>();

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
