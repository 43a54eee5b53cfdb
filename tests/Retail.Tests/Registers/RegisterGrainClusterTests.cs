using Retail.Catalog;
using Retail.Common;
using Retail.Registers;
using Retail.Registers.Fiscal;
using Retail.Tests.Cluster;

namespace Retail.Tests.Registers;

[Collection(TwoSiloCollection.Name)]
public sealed class RegisterGrainClusterTests(TwoSiloCluster fixture)
{
    private async Task<RegisterScenario> ScenarioAsync(params string[] skus)
    {
        var scenario = await new RegisterScenario(fixture.Grains).WithStoreAsync();
        foreach (var sku in skus)
            await scenario.DefineSkuAsync(sku);
        return scenario;
    }

    [Fact]
    public async Task Twenty_concurrent_tills_on_one_register_get_fiscal_numbers_without_gap_or_repeat()
    {
        var scenario = await ScenarioAsync("water");
        await scenario.ReceiveAsync("water", 1000);
        var register = await scenario.OpenRegisterAsync();

        var documents = await Task.WhenAll(Enumerable.Range(0, 20).Select(till => Task.Run(async () =>
        {
            var mine = new List<ReceiptDocument>();
            for (var i = 0; i < 10; i++)
            {
                var outcome = await register.FiscalizeAsync(RegisterScenario.Sale($"t{till}-r{i}", "water", 1, 50));
                Assert.Null(outcome.Error);
                mine.Add(outcome.Value!);
            }
            return mine;
        })));

        var all = documents.SelectMany(d => d).ToList();
        // FD 1 registration, FD 2 shift open, then 200 receipts.
        Assert.Equal(Enumerable.Range(3, 200).Select(n => (long)n), all.Select(d => d.FiscalDocumentNumber).Order());
        Assert.Equal(Enumerable.Range(1, 200), all.Select(d => d.ReceiptNumber).Order());
        Assert.Equal(800, (await scenario.StockAsync("water")).OnHand);
        Assert.Equal(202, (await register.GetAsync())!.LastFiscalDocumentNumber);
    }

    [Fact]
    public async Task Ten_registers_selling_one_sku_at_once_leave_the_exact_stock()
    {
        var scenario = await ScenarioAsync("bread");
        await scenario.ReceiveAsync("bread", 50);
        var registers = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => scenario.OpenRegisterAsync()));

        await Task.WhenAll(registers.Select((register, r) => Task.Run(async () =>
        {
            for (var i = 0; i < 15; i++)
                Assert.Null((await register.FiscalizeAsync(RegisterScenario.Sale($"r{r}-{i}", "bread", 0.5m, 54))).Error);
        })));

        // 150 sales of 0.5 from 50: never refused, stock goes to exactly -25.
        var stock = await scenario.StockAsync("bread");
        Assert.Equal(-25m, stock.OnHand);
        Assert.Equal(151, stock.Version);
    }

    [Fact]
    public async Task Ten_registers_selling_the_same_three_skus_in_any_line_order_are_each_answered_and_leave_the_exact_stock()
    {
        string[] skus = ["milk", "eggs", "salt"];
        var scenario = await ScenarioAsync(skus);
        var registers = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => scenario.OpenRegisterAsync()));

        // Every receipt holds all three pairs, its lines shuffled: its rows stack on the others' on each pair.
        await Task.WhenAll(registers.Select((register, r) => Task.Run(async () =>
        {
            var random = new Random(r);
            for (var i = 0; i < 20; i++)
            {
                var lines = skus.OrderBy(_ => random.Next()).Select(sku => new ReceiptItemInput(sku, 1, 100)).ToList();
                var sale = RegisterScenario.Sale($"r{r}-{i}", skus[0], 1, 100) with { Items = lines, Payments = [new PaymentInput(PaymentType.Electronic, 300)] };
                Assert.Null((await register.FiscalizeAsync(sale)).Error);
            }
        })));

        foreach (var sku in skus)
        {
            var stock = await scenario.StockAsync(sku);
            Assert.Equal((-200m, 200L), (stock.OnHand, stock.Version));
        }
    }

    [Fact]
    public async Task A_retried_receipt_returns_the_same_document_and_writes_nothing_off_again_even_when_copies_race()
    {
        var scenario = await ScenarioAsync("tea");
        await scenario.ReceiveAsync("tea", 10);
        var register = await scenario.OpenRegisterAsync();
        var sale = RegisterScenario.Sale("receipt-1", "tea", 2, 150);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() => register.FiscalizeAsync(sale))));
        var conflict = await register.FiscalizeAsync(sale with { Items = [new ReceiptItemInput("tea", 3, 150)], Payments = [new PaymentInput(PaymentType.Cash, 450)] });

        Assert.All(outcomes, o => Assert.Equal((3L, outcomes[0].Value!.FiscalSign, outcomes[0].Value!.Qr), (o.Value!.FiscalDocumentNumber, o.Value.FiscalSign, o.Value.Qr)));
        Assert.Single(outcomes, o => !o.Replayed);
        Assert.Equal(ErrorCodes.IdempotencyConflict, conflict.Error!.Code);
        Assert.Equal(8, (await scenario.StockAsync("tea")).OnHand);
        Assert.Equal(3, (await register.GetAsync())!.LastFiscalDocumentNumber);
    }

    [Fact]
    public async Task A_dish_writes_off_its_recipe_and_a_refund_restocks_goods()
    {
        var scenario = await ScenarioAsync("beans", "milk", "cup");
        await scenario.DefineSkuAsync("flat-white", 250, kind: SkuKind.Dish,
            components: [new RecipeComponent("beans", 0.018m), new RecipeComponent("milk", 0.15m), new RecipeComponent("cup", 1)]);
        foreach (var sku in new[] { "beans", "milk", "cup" })
            await scenario.ReceiveAsync(sku, 10);
        var register = await scenario.OpenRegisterAsync();

        Assert.Null((await register.FiscalizeAsync(RegisterScenario.Sale("s1", "flat-white", 3, 250))).Error);
        Assert.Null((await register.FiscalizeAsync(RegisterScenario.Sale("s2", "cup", 2, 5))).Error);
        Assert.Null((await register.FiscalizeAsync(RegisterScenario.Sale("s3", "cup", 1, 5, operation: "sellRefund"))).Error);

        Assert.Equal(10 - 0.054m, (await scenario.StockAsync("beans")).OnHand);
        Assert.Equal(10 - 0.45m, (await scenario.StockAsync("milk")).OnHand);
        Assert.Equal(10 - 3 - 2 + 1, (await scenario.StockAsync("cup")).OnHand);
        Assert.Equal(0, (await scenario.StockAsync("flat-white")).Version);
    }

    [Fact]
    public async Task A_receipt_more_than_24_hours_after_the_shift_opened_is_refused_until_the_shift_is_closed()
    {
        var scenario = await ScenarioAsync("salt");
        var register = await scenario.OpenRegisterAsync();

        TwoSiloCluster.Clock.Advance(TimeSpan.FromHours(23) + TimeSpan.FromMinutes(59));
        Assert.Null((await register.FiscalizeAsync(RegisterScenario.Sale("before", "salt", 1, 30))).Error);
        TwoSiloCluster.Clock.Advance(TimeSpan.FromMinutes(2));
        var late = await register.FiscalizeAsync(RegisterScenario.Sale("late", "salt", 1, 30));
        var closed = await register.CloseShiftAsync(null);
        var reopened = await register.OpenShiftAsync(new CashierInfo("Petrov", null));
        var next = await register.FiscalizeAsync(RegisterScenario.Sale("next", "salt", 1, 30));

        Assert.Equal(ErrorCodes.ShiftExpired, late.Error!.Code);
        Assert.Equal(1, closed.Value!.ReceiptCount);
        Assert.Equal(2, reopened.Value!.ShiftNumber);
        Assert.Equal((2, 1), (next.Value!.ShiftNumber, next.Value.ReceiptNumber));
        Assert.Equal(-2, (await scenario.StockAsync("salt")).OnHand);
    }

    [Fact]
    public async Task An_unreachable_operator_for_30_days_blocks_receipts_and_delivery_unblocks_them()
    {
        var scenario = await ScenarioAsync("sugar");
        var register = await scenario.OpenRegisterAsync();
        await register.SetOfdReachableAsync(false);
        Assert.Null((await register.FiscalizeAsync(RegisterScenario.Sale("day-0", "sugar", 1, 80))).Error);

        // Shifts are closed and opened daily, as a store would, while the operator stays unreachable.
        for (var day = 0; day < 30; day++)
        {
            TwoSiloCluster.Clock.Advance(TimeSpan.FromDays(1));
            Assert.Null((await register.CloseShiftAsync(null)).Error);
            Assert.Null((await register.OpenShiftAsync(new CashierInfo("Ivanova", null))).Error);
        }
        TwoSiloCluster.Clock.Advance(TimeSpan.FromMinutes(1));
        var blocked = await register.FiscalizeAsync(RegisterScenario.Sale("blocked", "sugar", 1, 80));
        var view = await register.GetAsync();

        await register.SetOfdReachableAsync(true);
        var delivered = await register.DeliverToOfdAsync();
        var unblocked = await register.FiscalizeAsync(RegisterScenario.Sale("after", "sugar", 1, 80));

        Assert.Equal(ErrorCodes.OfdBlocked, blocked.Error!.Code);
        Assert.True(view!.Ofd.Blocked);
        Assert.Equal(1, view.Ofd.FirstUnconfirmedNumber);
        Assert.Equal((0, false), (delivered.Unconfirmed, delivered.Blocked));
        Assert.Null(unblocked.Error);
        Assert.Equal(-2, (await scenario.StockAsync("sugar")).OnHand);
    }

    [Fact]
    public async Task A_marked_unit_sold_twice_is_refused_and_a_refund_lets_it_be_sold_again()
    {
        var scenario = await ScenarioAsync();
        await scenario.DefineSkuAsync("shoes", 5000, marked: true);
        var code = $"010460043993125621{Guid.NewGuid():N}"[..40];
        var first = await scenario.OpenRegisterAsync();
        var second = await scenario.OpenRegisterAsync();

        var sold = await first.FiscalizeAsync(RegisterScenario.Sale("sale-1", "shoes", 1, 5000, markingCode: code));
        var again = await second.FiscalizeAsync(RegisterScenario.Sale("sale-2", "shoes", 1, 5000, markingCode: code));
        var refund = await first.FiscalizeAsync(RegisterScenario.Sale("refund-1", "shoes", 1, 5000, "sellRefund", code));
        var resold = await second.FiscalizeAsync(RegisterScenario.Sale("sale-3", "shoes", 1, 5000, markingCode: code));
        var twoUnits = await second.FiscalizeAsync(RegisterScenario.Sale("sale-4", "shoes", 2, 5000, markingCode: code + "x"));
        var noCode = await second.FiscalizeAsync(RegisterScenario.Sale("sale-5", "shoes", 1, 5000));

        Assert.Null(sold.Error);
        Assert.Equal(ErrorCodes.MarkingCodeAlreadySold, again.Error!.Code);
        Assert.Null(refund.Error);
        Assert.Null(resold.Error);
        Assert.Equal(ErrorCodes.ValidationFailed, twoUnits.Error!.Code);
        Assert.Equal(ErrorCodes.ValidationFailed, noCode.Error!.Code);
        Assert.Equal("sold", await fixture.Grains.GetGrain<IMarkingCodeGrain>($"mark/{code}").StatusAsync());
        Assert.Equal(-1, (await scenario.StockAsync("shoes")).OnHand);
        // The refused sales took no fiscal number: registration, open, sale-3 only.
        Assert.Equal(3, (await second.GetAsync())!.LastFiscalDocumentNumber);
    }

    [Fact]
    public async Task Refusals_change_nothing()
    {
        var scenario = await ScenarioAsync("oil");
        await scenario.ReceiveAsync("oil", 5);
        var register = await scenario.OpenRegisterAsync();

        var refusals = new[]
        {
            await register.FiscalizeAsync(RegisterScenario.Sale("a", "nope", 1, 10)),
            await register.FiscalizeAsync(RegisterScenario.Sale("b", "oil", 0, 10)),
            await register.FiscalizeAsync(RegisterScenario.Sale("c", "oil", 1.0001m, 10)),
            await register.FiscalizeAsync(RegisterScenario.Sale("d", "oil", 1, 10) with { Payments = [new PaymentInput(PaymentType.Cash, 9.99m)] }),
            await register.FiscalizeAsync(RegisterScenario.Sale("e", "oil", 1, 10) with { Payments = [new PaymentInput(PaymentType.Electronic, 11)] }),
            await register.FiscalizeAsync(RegisterScenario.Sale("f", "oil", 1, 10, operation: "buy")),
            await register.FiscalizeAsync(RegisterScenario.Sale("g", "oil", 1, 10) with { Payments = [new PaymentInput((PaymentType)99, 10)] }),
        };

        Assert.Equal([ErrorCodes.UnknownSku, ErrorCodes.ValidationFailed, ErrorCodes.ValidationFailed, ErrorCodes.PaymentMismatch,
            ErrorCodes.PaymentMismatch, ErrorCodes.ValidationFailed, ErrorCodes.ValidationFailed], refusals.Select(r => r.Error!.Code));
        Assert.Equal(5, (await scenario.StockAsync("oil")).OnHand);
        Assert.Equal(2, (await register.GetAsync())!.LastFiscalDocumentNumber);
        var closed = await register.CloseShiftAsync(null);
        Assert.Equal(0, closed.Value!.ReceiptCount);
        Assert.Equal(ErrorCodes.ShiftNotOpen, (await register.FiscalizeAsync(RegisterScenario.Sale("h", "oil", 1, 10))).Error!.Code);
        Assert.Equal(ErrorCodes.ShiftNotOpen, (await register.CloseShiftAsync(null)).Error!.Code);
        Assert.Null((await register.OpenShiftAsync(new CashierInfo("A", null))).Error);
        Assert.Equal(ErrorCodes.ShiftAlreadyOpen, (await register.OpenShiftAsync(new CashierInfo("A", null))).Error!.Code);
    }
}

[Collection(TwoSiloCollection.Name)]
public sealed class CorrectionReceiptTests(TwoSiloCluster fixture)
{
    [Fact]
    public async Task A_correction_receipt_takes_the_next_numbers_writes_stock_off_and_counts_in_the_z_report()
    {
        var scenario = await new RegisterScenario(fixture.Grains).WithStoreAsync();
        await scenario.DefineSkuAsync("pie");
        await scenario.ReceiveAsync("pie", 10);
        var register = await scenario.OpenRegisterAsync();
        Assert.Null((await register.FiscalizeAsync(RegisterScenario.Sale("s1", "pie", 1, 100))).Error);
        var yesterday = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(-1));

        // A sale that was never fiscalized yesterday: corrected on the register's own initiative.
        var corrected = await register.FiscalizeAsync(RegisterScenario.Sale("c1", "pie", 2, 100) with { Correction = new CorrectionInput("self", yesterday) });
        var unnamedOrder = await register.FiscalizeAsync(RegisterScenario.Sale("c2", "pie", 1, 100) with { Correction = new CorrectionInput("instruction", yesterday) });
        var badType = await register.FiscalizeAsync(RegisterScenario.Sale("c3", "pie", 1, 100) with { Correction = new CorrectionInput("whim", yesterday) });
        var z = await register.CloseShiftAsync(null);

        Assert.Equal((31, 4L, 2), (corrected.Value!.Form, corrected.Value.FiscalDocumentNumber, corrected.Value.ReceiptNumber));
        Assert.Equal("correction.orderNumber", unnamedOrder.Error!.Field);
        Assert.Equal("correction.type", badType.Error!.Field);
        Assert.Equal(2, z.Value!.ReceiptCount);
        Assert.Equal(7, (await scenario.StockAsync("pie")).OnHand);
    }
}

[Collection(TwoSiloCollection.Name)]
public sealed class EReceiptTests(TwoSiloCluster fixture)
{
    [Fact]
    public async Task A_buyers_contact_queues_one_e_receipt_even_when_the_till_retries()
    {
        var scenario = await new RegisterScenario(fixture.Grains).WithStoreAsync();
        await scenario.DefineSkuAsync("jam");
        var register = await scenario.OpenRegisterAsync();
        var sale = RegisterScenario.Sale("e1", "jam", 1, 250) with { Customer = new CustomerInput("buyer@example.ru", null) };

        var first = await register.FiscalizeAsync(sale);
        await register.FiscalizeAsync(sale);
        await register.FiscalizeAsync(RegisterScenario.Sale("e2", "jam", 1, 250) with { Customer = new CustomerInput(null, "+79990001122") });
        await register.FiscalizeAsync(RegisterScenario.Sale("e3", "jam", 1, 250));

        var queued = await fixture.Grains.GetGrain<IEReceiptOutboxGrain>(GrainKeys.Store(scenario.StoreId)).ListAsync();
        Assert.Equal([("e1", "email", "buyer@example.ru"), ("e2", "sms", "+79990001122")], queued.Select(q => (q.ReceiptId, q.Channel, q.Contact)));
        Assert.Equal(first.Value!.Qr, queued[0].Qr);
    }
}
