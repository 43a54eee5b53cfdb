using System.Text.Json;
using Retail.Catalog;
using Retail.Common;
using Retail.Documents;
using Retail.Registers;
using Retail.Registers.Fiscal;
using Retail.Stock;
using Retail.Tests.Cluster;
using Retail.Tests.Registers;

namespace Retail.Tests.Documents;

/// <summary>Online orders on two silos: reservations that never oversell, payment as one receipt, expiry by the reminder.</summary>
[Collection(TwoSiloCollection.Name)]
public sealed class OrderGrainTests(TwoSiloCluster fixture)
{
    private IGrainFactory Grains => fixture.Grains;

    private static readonly CustomerInput Buyer = new("buyer@example.ru", null);

    /// <summary>A store with an online register (shift open) and two SKUs in stock.</summary>
    private async Task<(RegisterScenario Scenario, IRegisterGrain Online, string Milk, string Kefir)> ShopAsync(decimal milk = 10, decimal kefir = 10)
    {
        var scenario = await new RegisterScenario(Grains).WithStoreAsync();
        var online = await scenario.OpenRegisterAsync();
        var onlineId = GrainKeys.Id(online.GetPrimaryKeyString());
        await Grains.GetGrain<IStoreGrain>(GrainKeys.Store(scenario.StoreId)).DefineAsync(
            new Store(scenario.StoreId, "Test store", "Moscow", "Europe/Moscow", "7707083893", TaxationSystem.Osn, onlineId));
        var (milkSku, kefirSku) = ($"milk-{Guid.NewGuid():N}"[..13], $"kefir-{Guid.NewGuid():N}"[..14]);
        await scenario.DefineSkuAsync(milkSku, price: 90);
        await scenario.DefineSkuAsync(kefirSku, price: 120);
        await scenario.ReceiveAsync(milkSku, milk);
        await scenario.ReceiveAsync(kefirSku, kefir);
        return (scenario, online, milkSku, kefirSku);
    }

    private IOrderGrain Order(string id) => Grains.GetGrain<IOrderGrain>(GrainKeys.Order(id));

    private static OrderRequest Request(string storeId, int reserveMinutes = 30, params OrderLine[] lines) =>
        new(storeId, lines, Buyer, "deal-7", reserveMinutes);

    private static string NewOrder() => $"ord-{Guid.NewGuid():N}"[..16];

    /// <summary>The order's journaled events of one type: what integrations are told, once per transition.</summary>
    private static async Task<List<string>> EventsAsync(string orderId, string type)
    {
        var entries = await TwoSiloCluster.SharedJournal.ReadAfterAsync(GrainKeys.Order(orderId), 0, 100);
        return entries.SelectMany(e => JsonDocument.Parse(e.Document).RootElement.GetProperty("events").EnumerateArray())
            .Where(e => e.GetProperty("type").GetString() == type).Select(e => e.GetProperty("id").GetString()!).ToList();
    }

    [Fact]
    public async Task A_hundred_concurrent_orders_for_ten_available_reserve_exactly_ten_and_never_oversell()
    {
        var (scenario, _, milk, _) = await ShopAsync(milk: 10);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => Task.Run(() =>
            Order(NewOrder()).CreateAsync(Request(scenario.StoreId, lines: new OrderLine(milk, 1, 90))))));

        Assert.Equal(10, outcomes.Count(o => o.Error is null));
        Assert.Equal(90, outcomes.Count(o => o.Error?.Code == ErrorCodes.InsufficientStock));
        var level = await scenario.StockAsync(milk);
        Assert.Equal((10m, 10m, 0m), (level.OnHand, level.Reserved, level.Available));
        var ledger = await TwoSiloCluster.SharedLedger.ReadHistoryAsync(scenario.StoreId, milk, 1000, null);
        Assert.Equal(10, ledger.Count(r => r.Type == MovementType.Reserve));
        Assert.All(ledger, r => Assert.True(r.OnHandAfter - r.ReservedAfter >= 0, $"available went to {r.OnHandAfter - r.ReservedAfter} at version {r.Version}"));
    }

    [Fact]
    public async Task An_order_whose_second_line_is_short_reserves_nothing()
    {
        var (scenario, _, milk, kefir) = await ShopAsync(milk: 10, kefir: 2);

        var outcome = await Order(NewOrder()).CreateAsync(Request(scenario.StoreId, lines: [new OrderLine(milk, 5, 90), new OrderLine(kefir, 3, 120)]));

        Assert.Equal(ErrorCodes.InsufficientStock, outcome.Error?.Code);
        Assert.Equal((0m, 0m), ((await scenario.StockAsync(milk)).Reserved, (await scenario.StockAsync(kefir)).Reserved));
        Assert.DoesNotContain(await TwoSiloCluster.SharedLedger.ReadHistoryAsync(scenario.StoreId, milk, 100, null), r => r.Type == MovementType.Reserve);
    }

    [Fact]
    public async Task Paying_is_one_receipt_numbered_with_the_registers_other_documents_and_turns_the_reservation_into_a_sale()
    {
        var (scenario, online, milk, kefir) = await ShopAsync();
        var id = NewOrder();
        Assert.Null((await Order(id).CreateAsync(Request(scenario.StoreId, lines: [new OrderLine(milk, 2, 90), new OrderLine(kefir, 1, 120)]))).Error);
        var before = (await online.GetAsync())!.LastFiscalDocumentNumber;

        var paid = await Order(id).PayAsync([new PaymentInput(PaymentType.Electronic, 300)]);
        var again = await Order(id).PayAsync([new PaymentInput(PaymentType.Electronic, 300)]);
        var tillSale = await online.FiscalizeAsync(RegisterScenario.Sale(NewOrder(), milk, 1, 90));

        Assert.Null(paid.Error);
        Assert.Equal(OrderStatus.Paid, paid.Value!.Status);
        Assert.Equal(before + 1, paid.Value.Receipt!.FiscalDocumentNumber);
        Assert.Equal(before + 2, tillSale.Value!.FiscalDocumentNumber);
        Assert.True(again.Replayed);
        Assert.Equal(paid.Value.Receipt, again.Value!.Receipt);
        var (milkLevel, kefirLevel) = (await scenario.StockAsync(milk), await scenario.StockAsync(kefir));
        Assert.Equal((7m, 0m), (milkLevel.OnHand, milkLevel.Reserved));
        Assert.Equal((9m, 0m), (kefirLevel.OnHand, kefirLevel.Reserved));
        var eReceipts = await Grains.GetGrain<IEReceiptOutboxGrain>(GrainKeys.Store(scenario.StoreId)).ListAsync();
        Assert.Contains(eReceipts, e => e.ReceiptId == paid.Value.Receipt.ReceiptId && e.Contact == Buyer.Email);
        Assert.Single(await EventsAsync(id, DocumentEvents.OrderPaid));
    }

    [Fact]
    public async Task Partial_payment_is_refused_and_changes_nothing()
    {
        var (scenario, _, milk, _) = await ShopAsync();
        var id = NewOrder();
        await Order(id).CreateAsync(Request(scenario.StoreId, lines: new OrderLine(milk, 2, 90)));

        var outcome = await Order(id).PayAsync([new PaymentInput(PaymentType.Electronic, 100)]);

        Assert.Equal(ErrorCodes.PaymentMismatch, outcome.Error?.Code);
        Assert.Equal(OrderStatus.Reserved, (await Order(id).GetAsync())!.Status);
        Assert.Equal((10m, 2m), ((await scenario.StockAsync(milk)).OnHand, (await scenario.StockAsync(milk)).Reserved));
    }

    [Fact]
    public async Task An_unpaid_order_expires_once_by_its_reminder_on_a_moved_clock_and_cannot_be_paid_after()
    {
        var (scenario, _, milk, _) = await ShopAsync();
        var id = NewOrder();
        await Order(id).CreateAsync(Request(scenario.StoreId, reserveMinutes: 30, lines: new OrderLine(milk, 4, 90)));
        var reminder = Order(id).AsReference<IRemindable>();

        await reminder.ReceiveReminder(OrderGrain.ExpiryReminder, default);
        Assert.Equal(4m, (await scenario.StockAsync(milk)).Reserved);
        TwoSiloCluster.Clock.Advance(TimeSpan.FromMinutes(31));
        await reminder.ReceiveReminder(OrderGrain.ExpiryReminder, default);
        await reminder.ReceiveReminder(OrderGrain.ExpiryReminder, default);
        var paid = await Order(id).PayAsync([new PaymentInput(PaymentType.Electronic, 360)]);

        Assert.Equal(OrderStatus.Expired, (await Order(id).GetAsync())!.Status);
        Assert.Equal(ErrorCodes.InvalidState, paid.Error?.Code);
        var level = await scenario.StockAsync(milk);
        Assert.Equal((10m, 0m), (level.OnHand, level.Reserved));
        Assert.Single(await TwoSiloCluster.SharedLedger.ReadHistoryAsync(scenario.StoreId, milk, 100, null), r => r.Type == MovementType.Release);
        Assert.Single(await EventsAsync(id, DocumentEvents.OrderExpired));
    }

    [Fact]
    public async Task A_payment_the_order_never_heard_of_makes_it_paid_at_expiry_and_the_reservation_is_released_once()
    {
        var (scenario, online, milk, _) = await ShopAsync();
        var id = NewOrder();
        await Order(id).CreateAsync(Request(scenario.StoreId, lines: new OrderLine(milk, 3, 90)));
        // The order died after the register journaled its receipt: the register has it, the order does not.
        var receipt = await online.FiscalizeAsync(new ReceiptInput(Orders.PaymentReceiptId(id), FiscalOperation.Sell, [new ReceiptItemInput(milk, 3, 90)],
            [new PaymentInput(PaymentType.Electronic, 270)], Buyer, ReservedByOrder: id));
        Assert.Null(receipt.Error);

        Assert.Null((await Order(id).CancelAsync()).Error);

        var order = (await Order(id).GetAsync())!;
        Assert.Equal((OrderStatus.Paid, receipt.Value!.FiscalDocumentNumber), (order.Status, order.Receipt!.FiscalDocumentNumber));
        var level = await scenario.StockAsync(milk);
        Assert.Equal((7m, 0m), (level.OnHand, level.Reserved));
        Assert.Single(await TwoSiloCluster.SharedLedger.ReadHistoryAsync(scenario.StoreId, milk, 100, null), r => r.Type == MovementType.Release);
    }

    [Fact]
    public async Task A_cancelled_order_releases_its_stock_and_a_paid_one_is_refunded_in_parts_with_restock()
    {
        var (scenario, _, milk, kefir) = await ShopAsync();
        var (canceled, paid) = (NewOrder(), NewOrder());
        await Order(canceled).CreateAsync(Request(scenario.StoreId, lines: new OrderLine(milk, 5, 90)));
        await Order(paid).CreateAsync(Request(scenario.StoreId, lines: [new OrderLine(milk, 2, 90), new OrderLine(kefir, 2, 120)]));

        Assert.Equal(OrderStatus.Canceled, (await Order(canceled).CancelAsync()).Value!.Status);
        Assert.Equal(ErrorCodes.InvalidState, (await Order(canceled).PayAsync([new PaymentInput(PaymentType.Electronic, 450)])).Error?.Code);
        Assert.Null((await Order(paid).PayAsync([new PaymentInput(PaymentType.Electronic, 420)])).Error);
        Assert.Equal(ErrorCodes.InvalidState, (await Order(paid).CancelAsync()).Error?.Code);
        var first = await Order(paid).RefundAsync("r1", [new DocumentLine(kefir, 1)]);
        var retried = await Order(paid).RefundAsync("r1", [new DocumentLine(kefir, 1)]);
        var tooMuch = await Order(paid).RefundAsync("r2", [new DocumentLine(kefir, 2)]);
        var rest = await Order(paid).RefundAsync("r3", null);

        Assert.Equal((OrderStatus.Paid, 120m), (first.Value!.Status, first.Value.Refunds[0].Receipt.Total));
        Assert.True(retried.Replayed);
        Assert.Equal(ErrorCodes.ValidationFailed, tooMuch.Error?.Code);
        Assert.Equal(OrderStatus.Refunded, rest.Value!.Status);
        Assert.Equal([(kefir, 1m), (kefir, 1m), (milk, 2m)], rest.Value.Refunds.SelectMany(r => r.Lines).Select(l => (l.Sku, l.Quantity)).OrderBy(l => l.Sku == milk));
        Assert.Equal((10m, 0m), ((await scenario.StockAsync(milk)).OnHand, (await scenario.StockAsync(milk)).Reserved));
        Assert.Equal(10m, (await scenario.StockAsync(kefir)).OnHand);
    }
}
