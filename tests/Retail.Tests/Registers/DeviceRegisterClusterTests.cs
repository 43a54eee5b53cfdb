using System.Diagnostics.Metrics;
using Retail.Catalog;
using Retail.Common;
using Retail.Ledger;
using Retail.Registers;
using Retail.Registers.Fiscal;
using FiscalQr = Retail.Registers.Fiscal.FiscalQr;
using Retail.Stock;
using Retail.Tests.Cluster;

namespace Retail.Tests.Registers;

/// <summary>Registers with a physical fiscal drive: tills that were offline report what their drive signed, late and in any order.</summary>
[Collection(TwoSiloCollection.Name)]
public sealed class DeviceRegisterClusterTests(TwoSiloCluster fixture)
{
    private static DateTimeOffset Yesterday => TwoSiloCluster.Clock.GetUtcNow().AddDays(-1);

    private async Task<RegisterScenario> ScenarioAsync(params string[] skus)
    {
        var scenario = await new RegisterScenario(fixture.Grains).WithStoreAsync();
        foreach (var sku in skus)
        {
            await scenario.DefineSkuAsync(sku);
            await scenario.ReceiveAsync(sku, 1000);
        }
        return scenario;
    }

    private static async Task<IRegisterGrain> DeviceRegisterAsync(RegisterScenario scenario, DeviceTill till)
    {
        var register = scenario.Register($"kkt-{Guid.NewGuid():N}"[..16]);
        var registered = await register.RegisterDeviceAsync(new DeviceRegistration(scenario.StoreId, till.FnSerial, DeviceTill.RegistrationNumber));
        Assert.Null(registered.Error);
        Assert.Equal(RegisterModes.Device, registered.Value!.Mode);
        return register;
    }

    private static async Task<List<(TillDocument Document, string? Error, bool Replayed)>> SendAllAsync(IRegisterGrain register, IEnumerable<TillDocument> documents)
    {
        var results = new List<(TillDocument, string?, bool)>();
        foreach (var document in documents)
        {
            var (error, replayed) = await document.SendAsync(register);
            results.Add((document, error, replayed));
        }
        return results;
    }

    private static List<T> Shuffled<T>(IEnumerable<T> items) => items.OrderBy(_ => Random.Shared.Next()).ToList();

    private static async Task<FiscalDriveGaps> SingleDriveGapsAsync(IRegisterGrain register) =>
        Assert.Single((await register.GetGapsAsync())!.FiscalDrives);

    [Fact]
    public async Task A_till_offline_for_a_day_replays_500_receipts_shuffled_with_20_repeats_and_each_applies_once()
    {
        var scenario = await ScenarioAsync("water", "beans", "milk");
        await scenario.DefineSkuAsync("bread", 54, unit: MeasureUnit.Kilogram, vat: VatRate.Vat10);
        await scenario.ReceiveAsync("bread", 1000);
        await scenario.DefineSkuAsync("latte", 250, kind: SkuKind.Dish, components: [new RecipeComponent("beans", 0.018m), new RecipeComponent("milk", 0.2m)]);
        await scenario.DefineSkuAsync("boots", 5000, marked: true);
        await scenario.ReceiveAsync("boots", 1000);
        var till = new DeviceTill(DeviceTill.NewFnSerial(), Yesterday);
        var register = await DeviceRegisterAsync(scenario, till);
        var codes = new List<string>();
        for (var shift = 0; shift < 2; shift++)
        {
            till.OpenShift();
            for (var i = 0; i < 250; i++)
            {
                var n = shift * 250 + i;
                switch (n % 10)
                {
                    case 0: till.Sell($"r{n}", "water", 1, 45, "sellRefund"); break;
                    case 1 or 2: till.Sell($"r{n}", "latte", 1, 250); break;
                    case 3:
                        codes.Add($"0104600439931256{Guid.NewGuid():N}");
                        till.Sell($"r{n}", "boots", 1, 5000, markingCode: codes[^1]);
                        break;
                    case 4: till.Sell($"r{n}", [new ReceiptItemInput("water", 2, 45), new ReceiptItemInput("bread", 0.75m, 54)]); break;
                    default: till.Sell($"r{n}", "water", 3, 45); break;
                }
            }
            till.CloseShift();
        }
        var repeats = Shuffled(till.Receipts).Take(20);

        var results = await SendAllAsync(register, Shuffled(till.Printed.Concat(repeats)));

        Assert.All(results, r => Assert.Null(r.Error));
        Assert.Equal(20, results.Count(r => r.Replayed));
        Assert.All(results.GroupBy(r => r.Document.FiscalDocumentNumber), sends => Assert.Single(sends, s => !s.Replayed));
        // Refunds +50, 50 receipts of 2 and 250 of 3 sold: 1000 + 50 - 100 - 750. Each line one movement, after the opening receipt.
        Assert.Equal((200m, 351L), Level(await scenario.StockAsync("water")));
        Assert.Equal((1000m - 37.5m, 51L), Level(await scenario.StockAsync("bread")));
        Assert.Equal((1000m - 1.8m, 101L), Level(await scenario.StockAsync("beans")));
        Assert.Equal((980m, 101L), Level(await scenario.StockAsync("milk")));
        Assert.Equal((950m, 51L), Level(await scenario.StockAsync("boots")));
        Assert.Equal(0, (await scenario.StockAsync("latte")).Version);
        Assert.Equal(300, (await TwoSiloCluster.SharedLedger.ReadHistoryAsync(scenario.StoreId, "water", 1000, null)).Count(m => m.Type == MovementType.Sale));
        foreach (var code in codes)
            Assert.Equal("sold", await fixture.Grains.GetGrain<IMarkingCodeGrain>($"mark/{code}").StatusAsync());

        var gaps = await SingleDriveGapsAsync(register);
        Assert.Equal((till.FnSerial, 505L, 0L), (gaps.FnSerial, gaps.HighestReceived, gaps.MissingCount));
        Assert.Empty(gaps.Missing);
        Assert.Empty(gaps.Shifts);
        var view = (await register.GetAsync())!;
        Assert.Equal((505L, 2, false, 250), (view.LastFiscalDocumentNumber, view.Shift.Number, view.Shift.IsOpen, view.Shift.ReceiptCount));
        var published = await Eventually.Until(() => Task.FromResult(StoreStreamsProbeGrain.ReceiptsOf(scenario.StoreId)), r => r.Count >= 500);
        Assert.Equal(500, published.Select(e => e.EventId).Distinct().Count());
        Assert.Equal(500, published.Count);
    }

    [Fact]
    public async Task A_day_replayed_in_batches_with_repeats_in_and_across_them_applies_each_receipt_once()
    {
        var scenario = await ScenarioAsync("water", "milk");
        var till = new DeviceTill(DeviceTill.NewFnSerial(), Yesterday);
        var register = await DeviceRegisterAsync(scenario, till);
        var registerId = (await register.GetAsync())!.RegisterId;
        var opened = till.OpenShift();
        for (var i = 0; i < 200; i++)
            if (i % 4 == 0)
                till.Sell($"w{i}", [new ReceiptItemInput("water", 2, 45), new ReceiptItemInput("milk", 1, 80)]);
            else
                till.Sell($"w{i}", "water", 1, 45);
        Assert.Null((await opened.SendAsync(register)).Error);
        // Shuffled, 20 sent twice: some repeats fall in the same batch as their first, some in a later one.
        var receipts = Shuffled(till.Receipts.Concat(Shuffled(till.Receipts).Take(20))).Select(r => new FiscalizedReceipt(r.Receipt, r.Fiscal)).ToList();
        var journalBefore = (await TwoSiloCluster.SharedJournal.ReadAfterAsync(registerId, 0, 1000)).Count;

        var outcomes = new List<Outcome<ReceiptDocument>>();
        foreach (var batch in receipts.Chunk(50))
            outcomes.AddRange(await register.AcceptFiscalizedReceiptsAsync(batch));

        Assert.All(outcomes, o => Assert.Null(o.Error));
        Assert.Equal(20, outcomes.Count(o => o.Replayed));
        Assert.Equal(till.Receipts.Select(r => r.FiscalDocumentNumber).Order(), outcomes.Where(o => !o.Replayed).Select(o => o.Value!.FiscalDocumentNumber).Order());
        // 150 receipts of 1 water and 50 of 2 water and 1 milk: each line one movement.
        Assert.Equal((1000m - 250m, 201L), Level(await scenario.StockAsync("water")));
        Assert.Equal((950m, 51L), Level(await scenario.StockAsync("milk")));
        var journal = (await TwoSiloCluster.SharedJournal.ReadAfterAsync(registerId, 0, 1000)).ToList();
        Assert.Equal(Enumerable.Range(1, journal.Count).Select(n => (long)n), journal.Select(e => e.Sequence));
        var journaled = journal.Skip(journalBefore).Where(e => e.Kind == JournalKinds.Receipt).Select(e => e.ClientId).ToList();
        Assert.Equal(200, journaled.Count);
        Assert.Equal(200, journaled.Distinct().Count());
        var published = await Eventually.Until(() => Task.FromResult(StoreStreamsProbeGrain.ReceiptsOf(scenario.StoreId)), r => r.Count >= 200);
        Assert.Equal(200, published.Select(e => e.EventId).Distinct().Count());
        Assert.Equal((0L, 202L), ((await SingleDriveGapsAsync(register)).MissingCount, (await SingleDriveGapsAsync(register)).HighestReceived));
    }

    [Fact]
    public async Task Two_tills_batches_and_a_third_tills_sales_on_one_sku_at_once_leave_its_stock_exact()
    {
        var scenario = await ScenarioAsync("water");
        var tills = new[] { new DeviceTill(DeviceTill.NewFnSerial(), Yesterday), new DeviceTill(DeviceTill.NewFnSerial(), Yesterday) };
        var devices = new List<IRegisterGrain>();
        foreach (var till in tills)
        {
            devices.Add(await DeviceRegisterAsync(scenario, till));
            Assert.Null((await till.OpenShift().SendAsync(devices[^1])).Error);
            for (var i = 0; i < 100; i++)
                till.Sell($"{till.FnSerial}-{i}", "water", 1, 45);
        }
        var emulated = await scenario.OpenRegisterAsync();

        // Every batch's rows sit on the other till's and the emulated sales' on the same pair: staged, restaged, committed.
        var batches = tills.Select((till, t) => Task.Run(async () =>
        {
            var outcomes = new List<Outcome<ReceiptDocument>>();
            foreach (var batch in till.Receipts.Select(r => new FiscalizedReceipt(r.Receipt, r.Fiscal)).Chunk(25))
                outcomes.AddRange(await devices[t].AcceptFiscalizedReceiptsAsync(batch));
            return outcomes;
        })).ToList();
        var sales = Task.Run(async () =>
        {
            var outcomes = new List<Outcome<ReceiptDocument>>();
            for (var i = 0; i < 30; i++)
                outcomes.Add(await emulated.FiscalizeAsync(RegisterScenario.Sale($"e-{i}", "water", 1, 45)));
            return outcomes;
        });
        var answered = (await Task.WhenAll(batches)).SelectMany(o => o).Concat(await sales).ToList();

        Assert.All(answered, o => Assert.Null(o.Error));
        Assert.Equal(230, answered.Count);
        Assert.Equal((1000m - 230m, 231L), Level(await scenario.StockAsync("water")));
        Assert.Equal(230, (await TwoSiloCluster.SharedLedger.ReadHistoryAsync(scenario.StoreId, "water", 1000, null)).Count(m => m.Type == MovementType.Sale));
    }

    [Fact]
    public async Task Three_withheld_receipts_are_exactly_the_gaps_until_they_arrive()
    {
        var scenario = await ScenarioAsync("kefir");
        var till = new DeviceTill(DeviceTill.NewFnSerial(), Yesterday);
        var register = await DeviceRegisterAsync(scenario, till);
        var registerId = (await register.GetAsync())!.RegisterId;
        till.OpenShift();
        for (var i = 0; i < 30; i++)
            till.Sell($"k{i}", "kefir", 1, 79.90m);
        till.CloseShift();
        var withheld = new[] { 4, 17, 25 }.Select(i => till.Receipts.ElementAt(i)).ToList();
        using var gauge = new GapGauge();

        var first = await SendAllAsync(register, Shuffled(till.Printed.Except(withheld)));
        var gaps = await SingleDriveGapsAsync(register);
        var gapsMetric = gauge.Read(registerId);
        var events = await Eventually.Until(() => Task.FromResult(StoreStreamsProbeGrain.GapsOf(scenario.StoreId)),
            e => withheld.All(w => e.Any(g => g.FirstMissing <= w.FiscalDocumentNumber && w.FiscalDocumentNumber <= g.LastMissing)));
        var second = await SendAllAsync(register, withheld);
        var closed = await SingleDriveGapsAsync(register);

        Assert.All(first.Concat(second), r => Assert.Equal((null, false), (r.Error, r.Replayed)));
        Assert.Equal([7L, 20L, 28L], withheld.Select(w => w.FiscalDocumentNumber));
        Assert.Equal([7L, 20L, 28L], gaps.Missing);
        Assert.Equal((3L, 33L), (gaps.MissingCount, gaps.HighestReceived));
        var shortShift = Assert.Single(gaps.Shifts);
        Assert.Equal((1, 30, 27L, 2L, 33L, 32), (shortShift.ShiftNumber, shortShift.ReceiptCount, shortShift.ReceivedReceipts,
            shortShift.FirstFiscalDocumentNumber, shortShift.LastFiscalDocumentNumber, shortShift.DocumentCount));
        Assert.Equal([5L, 18L, 26L], shortShift.MissingReceiptNumbers);
        Assert.Equal(3L, gapsMetric);
        Assert.All(withheld, w => Assert.Contains(events, g => g.FirstMissing <= w.FiscalDocumentNumber && w.FiscalDocumentNumber <= g.LastMissing));
        Assert.All(events, e => Assert.Equal((RegisterGapDetected.EventType, registerId, till.FnSerial), (e.Type, e.RegisterId, e.FnSerial)));
        Assert.Equal(0, closed.MissingCount);
        Assert.Empty(closed.Missing);
        Assert.Empty(closed.Shifts);
        Assert.Equal(0L, gauge.Read(registerId));
        Assert.Equal(970, (await scenario.StockAsync("kefir")).OnHand);
    }

    [Fact]
    public async Task A_repeat_with_different_content_is_a_conflict_and_changes_nothing()
    {
        var scenario = await ScenarioAsync("tea");
        var till = new DeviceTill(DeviceTill.NewFnSerial(), Yesterday);
        var register = await DeviceRegisterAsync(scenario, till);
        var open = till.OpenShift();
        var sale = till.Sell("sale-1", "tea", 2, 150);
        var other = till.Sell("sale-2", "tea", 1, 150);
        var accepted = await SendAllAsync(register, [open, sale, other]);
        var stockBefore = await scenario.StockAsync("tea");
        var viewBefore = (await register.GetAsync())!;
        var first = (await register.GetReceiptAsync("sale-1"))!;

        var refusals = new[]
        {
            await register.AcceptFiscalizedReceiptAsync(sale.Receipt with { Items = [new ReceiptItemInput("tea", 3, 150)], Payments = [new PaymentInput(PaymentType.Cash, 450)] }, sale.Fiscal),
            await register.AcceptFiscalizedReceiptAsync(sale.Receipt with { Id = "sale-9" }, sale.Fiscal),
            await register.AcceptFiscalizedReceiptAsync(sale.Receipt with { Id = "sale-9" }, other.Fiscal),
            await register.AcceptFiscalizedReceiptAsync(sale.Receipt, sale.Fiscal with { FiscalDocumentNumber = 10, ReceiptNumber = 7, Qr = null }),
            await register.AcceptFiscalizedReceiptAsync(sale.Receipt, sale.Fiscal with { FiscalSign = sale.Fiscal.FiscalSign ^ 1, Qr = null }),
        };
        var report = await register.AcceptFiscalizedReportAsync(open.Report with { FiscalDocumentNumber = sale.FiscalDocumentNumber });
        var reopen = await register.AcceptFiscalizedReportAsync(open.Report with { FiscalSign = open.Report.FiscalSign ^ 1 });
        var repeat = await register.AcceptFiscalizedReceiptAsync(sale.Receipt, sale.Fiscal);
        var reportRepeat = await register.AcceptFiscalizedReportAsync(open.Report);

        Assert.All(accepted, r => Assert.Null(r.Error));
        Assert.All(refusals, r => Assert.Equal(ErrorCodes.IdempotencyConflict, r.Error!.Code));
        Assert.Equal(["id", "fiscal.fiscalDocumentNumber", "fiscal.fiscalDocumentNumber", "id", "id"], refusals.Select(r => r.Error!.Field));
        Assert.Equal((ErrorCodes.IdempotencyConflict, "fiscalDocumentNumber"), (report.Error!.Code, report.Error.Field));
        Assert.Equal(ErrorCodes.IdempotencyConflict, reopen.Error!.Code);
        Assert.True(repeat.Replayed);
        Assert.Equal(Json(first), Json(repeat.Value!));
        Assert.True(reportRepeat.Replayed);
        Assert.Equal(stockBefore, await scenario.StockAsync("tea"));
        Assert.Equal(viewBefore, await register.GetAsync());
        Assert.Null(await register.GetReceiptAsync("sale-9"));
        var gaps = await SingleDriveGapsAsync(register);
        Assert.Equal((4L, 0L), (gaps.HighestReceived, gaps.MissingCount));
        Assert.Equal(1000 - 3, stockBefore.OnHand);
    }

    [Fact]
    public async Task Two_copies_of_a_till_replaying_at_once_apply_each_receipt_once()
    {
        var scenario = await ScenarioAsync("juice");
        var till = new DeviceTill(DeviceTill.NewFnSerial(), Yesterday);
        var register = await DeviceRegisterAsync(scenario, till);
        till.OpenShift();
        for (var i = 0; i < 100; i++)
            till.Sell($"j{i}", "juice", 1, 120);
        till.CloseShift();

        var copies = await Task.WhenAll(Task.Run(() => SendAllAsync(register, Shuffled(till.Printed))),
            Task.Run(() => SendAllAsync(register, Shuffled(till.Printed))));

        var results = copies.SelectMany(c => c).ToList();
        Assert.All(results, r => Assert.Null(r.Error));
        Assert.All(results.GroupBy(r => r.Document.FiscalDocumentNumber), sends => Assert.Single(sends, s => !s.Replayed));
        Assert.Equal((900m, 101L), Level(await scenario.StockAsync("juice")));
        Assert.Equal(0, (await SingleDriveGapsAsync(register)).MissingCount);
    }

    [Fact]
    public async Task A_new_fn_starts_its_own_sequence_and_the_old_fns_gaps_stay_visible()
    {
        var scenario = await ScenarioAsync("soap");
        var old = new DeviceTill(DeviceTill.NewFnSerial(), Yesterday);
        var register = await DeviceRegisterAsync(scenario, old);
        old.OpenShift();
        for (var i = 0; i < 3; i++)
            old.Sell($"old-{i}", "soap", 1, 60);
        Assert.All(await SendAllAsync(register, old.Printed.Where(d => d.FiscalDocumentNumber != 4)), r => Assert.Null(r.Error));

        var replacement = new DeviceTill(DeviceTill.NewFnSerial(), Yesterday.AddHours(5));
        var replaced = await register.RegisterDeviceAsync(new DeviceRegistration(scenario.StoreId, replacement.FnSerial, DeviceTill.RegistrationNumber));
        var again = await register.RegisterDeviceAsync(new DeviceRegistration(scenario.StoreId, replacement.FnSerial, DeviceTill.RegistrationNumber));
        var back = await register.RegisterDeviceAsync(new DeviceRegistration(scenario.StoreId, old.FnSerial, DeviceTill.RegistrationNumber));
        replacement.OpenShift();
        replacement.Sell("new-0", "soap", 1, 60);
        replacement.Sell("new-1", "soap", 1, 60);
        Assert.All(await SendAllAsync(register, replacement.Printed.Where(d => d.FiscalDocumentNumber != 3)), r => Assert.Null(r.Error));
        var both = (await register.GetGapsAsync())!;
        var late = await old.Printed.Single(d => d.FiscalDocumentNumber == 4).SendAsync(register);
        var foreign = await register.AcceptFiscalizedReceiptAsync(replacement.Receipts.First().Receipt with { Id = "foreign" },
            replacement.Receipts.First().Fiscal with { FnSerial = "9999999999999999", Qr = null });
        var after = (await register.GetGapsAsync())!;

        Assert.Null(replaced.Error);
        Assert.False(replaced.Replayed);
        Assert.Equal((replacement.FnSerial, 1L), (replaced.Value!.FnSerial, replaced.Value.LastFiscalDocumentNumber));
        Assert.True(again.Replayed);
        Assert.Equal(ErrorCodes.InvalidState, back.Error!.Code);
        Assert.Equal(2, both.MissingCount);
        Assert.Equal([(old.FnSerial, false, 5L), (replacement.FnSerial, true, 4L)], both.FiscalDrives.Select(d => (d.FnSerial, d.Current, d.HighestReceived)));
        Assert.Equal([4L], both.FiscalDrives[0].Missing);
        Assert.NotNull(both.FiscalDrives[0].ReplacedAt);
        Assert.Equal([3L], both.FiscalDrives[1].Missing);
        Assert.Equal((null, false), late);
        Assert.Equal(("fiscal.fnSerial", ErrorCodes.ValidationFailed), (foreign.Error!.Field, foreign.Error.Code));
        Assert.Equal([0L, 1L], after.FiscalDrives.Select(d => d.MissingCount));
        Assert.Equal(1000 - 3 - 1, (await scenario.StockAsync("soap")).OnHand);
        Assert.Equal(replacement.FnSerial, (await register.GetAsync())!.FnSerial);
    }

    [Fact]
    public async Task Device_and_emulated_registers_refuse_each_others_commands()
    {
        var scenario = await ScenarioAsync("salt");
        var till = new DeviceTill(DeviceTill.NewFnSerial(), Yesterday);
        var device = await DeviceRegisterAsync(scenario, till);
        var emulated = await scenario.OpenRegisterAsync();
        var report = till.OpenShift();
        var receipt = till.Sell("s1", "salt", 1, 30);
        var other = await new RegisterScenario(fixture.Grains).WithStoreAsync();
        var registration = new DeviceRegistration(scenario.StoreId, till.FnSerial, DeviceTill.RegistrationNumber);

        var refusals = new[]
        {
            (await device.OpenShiftAsync(new CashierInfo("Ivanova", null))).Error,
            (await device.CloseShiftAsync(null)).Error,
            (await device.ReportStateAsync()).Error,
            (await device.FiscalizeAsync(receipt.Receipt)).Error,
            (await device.RegisterAsync(scenario.StoreId)).Error,
            (await device.RegisterDeviceAsync(registration with { StoreId = other.StoreId })).Error,
            (await device.RegisterDeviceAsync(registration with { RegistrationNumber = "0000000001099999" })).Error,
            (await emulated.AcceptFiscalizedReceiptAsync(receipt.Receipt, receipt.Fiscal)).Error,
            (await emulated.AcceptFiscalizedReportAsync(report.Report)).Error,
            (await emulated.RegisterDeviceAsync(registration)).Error,
        };
        var same = await device.RegisterDeviceAsync(registration);
        var unregistered = await scenario.Register("kkt-never").AcceptFiscalizedReceiptAsync(receipt.Receipt, receipt.Fiscal);

        Assert.All(refusals, e => Assert.Equal(ErrorCodes.InvalidState, e!.Code));
        Assert.True(same.Replayed);
        Assert.Equal(ErrorCodes.NotFound, unregistered.Error!.Code);
        Assert.Equal(1000, (await scenario.StockAsync("salt")).OnHand);
        Assert.Equal(1, (await device.GetAsync())!.LastFiscalDocumentNumber);
        Assert.Equal(2, (await emulated.GetAsync())!.LastFiscalDocumentNumber);
    }

    [Fact]
    public async Task Device_receipts_write_off_recipes_restock_refunds_and_reach_the_stream_as_emulated_ones_do()
    {
        var setUp = async () =>
        {
            var s = await ScenarioAsync("beans", "milk", "cup");
            await s.DefineSkuAsync("flat-white", 250, kind: SkuKind.Dish,
                components: [new RecipeComponent("beans", 0.018m), new RecipeComponent("milk", 0.15m), new RecipeComponent("cup", 1)]);
            return s;
        };
        var (emulatedStore, deviceStore) = (await setUp(), await setUp());
        var emulated = await emulatedStore.OpenRegisterAsync();
        var till = new DeviceTill(DeviceTill.NewFnSerial(), Yesterday);
        var device = await DeviceRegisterAsync(deviceStore, till);
        var sales = new[]
        {
            RegisterScenario.Sale("s1", "flat-white", 3, 250),
            RegisterScenario.Sale("s2", "cup", 2, 5),
            RegisterScenario.Sale("s3", "cup", 1, 5, operation: "sellRefund"),
        };
        till.OpenShift();
        var printed = sales.Select(s => till.Sell(s.Id, s.Items, s.Operation.ToApiName())).ToList();

        var viaEmulated = new List<ReceiptDocument>();
        foreach (var sale in sales)
            viaEmulated.Add((await emulated.FiscalizeAsync(sale)).Value!);
        var viaDevice = new List<ReceiptDocument>();
        foreach (var receipt in printed.AsEnumerable().Reverse())
            viaDevice.Insert(0, (await device.AcceptFiscalizedReceiptAsync(receipt.Receipt, receipt.Fiscal)).Value!);

        foreach (var sku in new[] { "beans", "milk", "cup", "flat-white" })
        {
            Assert.Equal(Level(await emulatedStore.StockAsync(sku)), Level(await deviceStore.StockAsync(sku)));
            var expected = await TwoSiloCluster.SharedLedger.ReadHistoryAsync(emulatedStore.StoreId, sku, 100, null);
            var actual = await TwoSiloCluster.SharedLedger.ReadHistoryAsync(deviceStore.StoreId, sku, 100, null);
            Assert.Equal(expected.Select(Effect).Order(), actual.Select(Effect).Order());
        }
        Assert.Equal(1000 - 3 - 2 + 1, (await deviceStore.StockAsync("cup")).OnHand);
        Assert.Equal(viaEmulated.Select(Content), viaDevice.Select(Content));
        Assert.Equal(printed.Select(p => (p.Fiscal.FiscalDocumentNumber, p.Fiscal.FiscalSign, p.Fiscal.ReceiptNumber)),
            viaDevice.Select(d => (d.FiscalDocumentNumber, d.FiscalSign, d.ReceiptNumber)));
        Assert.All(viaDevice, d => Assert.Null(FiscalQr.Parse(d.Qr).Error));
        var streamed = await Eventually.Until(() => Task.FromResult(StoreStreamsProbeGrain.ReceiptsOf(deviceStore.StoreId)), r => r.Count == 3);
        Assert.Equal(viaDevice.Select(d => $"{d.FnSerial}:{d.FiscalDocumentNumber}").Order(), streamed.Select(e => e.EventId).Order());
        Assert.Equal(viaDevice.Select(Json).Order(), streamed.Select(e => Json(e.Receipt)).Order());
    }

    [Fact]
    public async Task Marked_units_of_device_receipts_end_in_the_state_their_latest_sale_or_refund_left_them()
    {
        var scenario = await ScenarioAsync();
        await scenario.DefineSkuAsync("sneakers", 7000, marked: true);
        var code = $"010460043993125621{Guid.NewGuid():N}";
        var till = new DeviceTill(DeviceTill.NewFnSerial(), Yesterday);
        var register = await DeviceRegisterAsync(scenario, till);
        till.OpenShift();
        till.Sell("sold", "sneakers", 1, 7000, markingCode: code);
        till.Sell("refunded", "sneakers", 1, 7000, "sellRefund", code);
        till.Sell("sold-again", "sneakers", 1, 7000, markingCode: code);
        var emulated = await scenario.OpenRegisterAsync();

        var results = await SendAllAsync(register, till.Printed.AsEnumerable().Reverse());
        var status = await fixture.Grains.GetGrain<IMarkingCodeGrain>($"mark/{code}").StatusAsync();
        var resold = await emulated.FiscalizeAsync(RegisterScenario.Sale("emulated", "sneakers", 1, 7000, markingCode: code));

        Assert.All(results, r => Assert.Null(r.Error));
        Assert.Equal("sold", status);
        Assert.Equal(ErrorCodes.MarkingCodeAlreadySold, resold.Error!.Code);
        Assert.Equal(-1, (await scenario.StockAsync("sneakers")).OnHand);
    }

    private static (decimal OnHand, long Version) Level(StockLevel level) => (level.OnHand, level.Version);

    /// <summary>A movement as downstream sees it, its id (which says who numbered the receipt) aside.</summary>
    private static string Effect(StockMovementRecord m) => $"{m.Document?.Kind}:{m.Document?.Id}:{m.Type}:{m.Quantity}";

    private static string Json(ReceiptDocument document) => System.Text.Json.JsonSerializer.Serialize(document);

    /// <summary>What a receipt says, leaving out who numbered and signed it.</summary>
    private static string Content(ReceiptDocument d) =>
        string.Join('|', d.Id, d.Operation, d.Total, d.Change, d.CustomerContact,
            string.Join(';', d.Vat.Select(v => $"{v.Rate}={v.Amount}")),
            string.Join(';', d.Items.Select(i => $"{i.Sku},{i.Name},{i.Quantity},{i.Price},{i.Sum},{i.Vat},{i.VatAmount},{i.MarkingCode}")),
            string.Join(';', d.Payments.Select(p => $"{p.Type}={p.Amount}")));

    /// <summary>Reads the <c>retail.register.gaps</c> gauge of the Retail meter, as an exporter would.</summary>
    private sealed class GapGauge : IDisposable
    {
        private readonly MeterListener listener = new();
        private readonly Dictionary<string, long> last = new(StringComparer.Ordinal);

        public GapGauge()
        {
            listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == LedgerMetrics.MeterName && instrument.Name == "retail.register.gaps")
                    l.EnableMeasurementEvents(instrument);
            };
            listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                foreach (var tag in tags)
                    if (tag.Key == "register")
                        last[(string)tag.Value!] = value;
            });
            listener.Start();
        }

        public long? Read(string registerId)
        {
            last.Clear();
            listener.RecordObservableInstruments();
            return last.TryGetValue(registerId, out var value) ? value : null;
        }

        public void Dispose() => listener.Dispose();
    }
}
