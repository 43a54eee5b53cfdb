using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Retail.Orleans.Common;
using Retail.Orleans.Registers.Fiscal;
using static Retail.Orleans.Tests.Registers.Fiscal.FiscalDriveFixture;

namespace Retail.Orleans.Tests.Registers.Fiscal;

public sealed class EmulatedFiscalDeviceTests
{
    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private readonly ManualClock _clock = new(T0);

    private EmulatedFiscalDevice Device(FiscalDriveState? state = null) => new(state, _clock, Seed);

    [Fact]
    public async Task A_device_registers_opens_and_fiscalizes_on_its_clock()
    {
        IFiscalDevice device = Device();

        var (registration, registrationError) = await device.RegisterAsync(Registration());
        _clock.Now += TimeSpan.FromMinutes(1);
        var (open, _) = await device.OpenShiftAsync(Ivanova);
        _clock.Now += TimeSpan.FromMinutes(1);
        var (receipt, receiptError) = await device.FiscalizeAsync(Sale(59.99m));

        Assert.Null(registrationError);
        Assert.Null(receiptError);
        Assert.Equal(FiscalDriveIdentity.Emulated("msk-1-till-1", Seed).FnSerial, registration!.Header.FnSerial);
        Assert.Equal(2, open!.Header.FiscalDocumentNumber);
        Assert.Equal(3, receipt!.Header.FiscalDocumentNumber);
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 10, 2, 0, TimeSpan.FromHours(3)), receipt.Header.DateTime);
        var status = await device.GetStatusAsync();
        Assert.Equal(3, status!.LastFiscalDocumentNumber);
        Assert.Equal(1, status.Shift.ReceiptCount);
    }

    [Fact]
    public async Task A_device_rebuilt_from_its_persisted_state_carries_on_numbering()
    {
        var first = Device();
        await first.RegisterAsync(Registration());
        await first.OpenShiftAsync(Ivanova);
        await first.FiscalizeAsync(Sale());

        var second = Device(first.State);
        _clock.Now += TimeSpan.FromMinutes(5);
        var (receipt, _) = await second.FiscalizeAsync(Sale());

        Assert.Equal(4, receipt!.Header.FiscalDocumentNumber);
        Assert.Equal(2, receipt.ReceiptNumber);
        Assert.True(FiscalDrive.Verify(second.State!, receipt));
    }

    [Fact]
    public async Task A_refusal_leaves_the_state_as_it_was()
    {
        var device = Device();
        await device.RegisterAsync(Registration());
        var before = device.State;

        var (receipt, error) = await device.FiscalizeAsync(Sale());

        Assert.Null(receipt);
        Assert.Equal(ErrorCodes.ShiftNotOpen, error!.Code);
        Assert.Same(before, device.State);
    }

    [Fact]
    public async Task The_device_clock_drives_the_24_hour_limit()
    {
        var device = Device();
        await device.RegisterAsync(Registration());
        await device.OpenShiftAsync(Ivanova);

        _clock.Now = T0 + TimeSpan.FromHours(24) + TimeSpan.FromMinutes(1);
        var (_, error) = await device.FiscalizeAsync(Sale());
        var (z, closeError) = await device.CloseShiftAsync(null);

        Assert.Equal(ErrorCodes.ShiftExpired, error!.Code);
        Assert.Null(closeError);
        Assert.Equal(0, z!.ReceiptCount);
    }

    [Fact]
    public async Task An_unregistered_device_refuses_commands_and_a_registered_one_refuses_a_second_registration()
    {
        var device = Device();

        Assert.Equal(ErrorCodes.InvalidState, (await device.OpenShiftAsync(Ivanova)).Error!.Code);
        Assert.Equal(ErrorCodes.InvalidState, (await device.ConfirmAsync(1)).Error!.Code);
        Assert.Null(await device.GetStatusAsync());
        Assert.Null(device.State);

        await device.RegisterAsync(Registration());
        var (again, error) = await device.RegisterAsync(Registration());
        Assert.Null(again);
        Assert.Equal(ErrorCodes.InvalidState, error!.Code);
        Assert.Equal(1, device.State!.LastFiscalDocumentNumber);
    }

    [Fact]
    public async Task A_failed_registration_leaves_the_device_unregistered()
    {
        var device = Device();

        var (_, error) = await device.RegisterAsync(Registration() with { UserInn = "1234567890" });

        Assert.Equal("inn", error!.Field);
        Assert.Null(device.State);
        Assert.Equal("registerId", (await device.RegisterAsync(Registration("bad id"))).Error!.Field);
    }

    [Fact]
    public async Task Confirmations_reach_the_outbox()
    {
        var device = Device();
        await device.RegisterAsync(Registration());
        await device.OpenShiftAsync(Ivanova);
        await device.ReportStateAsync();

        var (some, _) = await device.ConfirmAsync([1L, 3L]);
        var (rest, _) = await device.ConfirmAsync(2);

        Assert.Equal(2, some!.Confirmed);
        Assert.Equal(2, some.Backlog.FirstUnconfirmedNumber);
        Assert.Equal(1, rest!.Confirmed);
        Assert.Equal(0, rest.Backlog.UnconfirmedCount);
        Assert.Empty(device.State!.OfdOutbox);
    }

    [Fact]
    public async Task A_correction_goes_through_the_device()
    {
        var device = Device();
        await device.RegisterAsync(Registration());
        await device.OpenShiftAsync(Ivanova);

        var (correction, error) = await device.FiscalizeCorrectionAsync(new CorrectionRequest(FiscalOperation.SellRefund,
            new CorrectionBasis(CorrectionType.SelfInitiated, new DateOnly(2026, 2, 27)),
            [new ReceiptItem("milk", null, 1m, 89.90m, VatRate.Vat22)], [new ReceiptPayment(PaymentType.Cash, 89.90m)]));

        Assert.Null(error);
        Assert.Equal(FiscalDocumentForm.CorrectionReceipt, correction!.Header.Form);
        Assert.Equal(89.90m, device.State!.Shift!.Totals.SellRefund);
    }

    [Fact]
    public async Task The_state_and_documents_survive_orleans_serialization()
    {
        var device = Device();
        await device.RegisterAsync(Registration());
        await device.OpenShiftAsync(Ivanova);
        var (receipt, _) = await device.FiscalizeAsync(new ReceiptRequest(FiscalOperation.Sell,
            [new ReceiptItem("shoes", "Shoes", 1m, 4990m, VatRate.Vat22, Marked: true, MarkingCode: "Y29kZQ==")],
            [new ReceiptPayment(PaymentType.Electronic, 4990m)]));
        var serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();

        var state = serializer.Deserialize<FiscalDriveState>(serializer.SerializeToArray(device.State!))!;
        var copy = serializer.Deserialize<FiscalReceipt>(serializer.SerializeToArray(receipt!))!;

        Assert.Equal(device.State!.Identity, state.Identity);
        Assert.Equal(device.State.Shift, state.Shift);
        Assert.Equal(device.State.OfdOutbox.ToArray(), state.OfdOutbox.ToArray());
        Assert.Equal(device.State.LastDocumentAt, state.LastDocumentAt);
        Assert.Equal(receipt!.Header, copy.Header);
        Assert.Equal(receipt.Lines.ToArray(), copy.Lines.ToArray());
        Assert.Equal(receipt.Qr, copy.Qr);
        Assert.True(FiscalDrive.Verify(state, copy));
    }

    [Fact]
    public async Task The_state_and_documents_survive_json_so_a_ledger_can_replay_them()
    {
        var device = Device();
        await device.RegisterAsync(Registration());
        var afterRegistration = device.State!;
        var (open, _) = await device.OpenShiftAsync(Ivanova);
        var (receipt, _) = await device.FiscalizeAsync(Sale(199.90m, VatRate.Vat10, quantity: 0.357m, cash: 100m));
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);

        var state = JsonSerializer.Deserialize<FiscalDriveState>(JsonSerializer.Serialize(afterRegistration, json), json)!;
        var openCopy = JsonSerializer.Deserialize<ShiftOpenReport>(JsonSerializer.Serialize(open!, json), json)!;
        var receiptCopy = JsonSerializer.Deserialize<FiscalReceipt>(JsonSerializer.Serialize(receipt!, json), json)!;
        var replayed = FiscalDrive.Apply(FiscalDrive.Apply(state, openCopy), receiptCopy);

        Assert.True(FiscalDrive.Verify(replayed, receiptCopy));
        Assert.Equal(receipt!.Header, receiptCopy.Header);
        Assert.Equal(71.36m, receiptCopy.Total);
        Assert.Equal(28.64m, receiptCopy.Change);
        Assert.Equal(device.State!.Shift, replayed.Shift);
        Assert.Equal(device.State.OfdOutbox.ToArray(), replayed.OfdOutbox.ToArray());
        Assert.Equal(device.State.Identity, replayed.Identity);
    }
}
