using Retail.Registers.Fiscal;

namespace Retail.Tests.Registers.Fiscal;

/// <summary>A registered drive in a Moscow store and the commands the drive tests repeat.</summary>
internal static class FiscalDriveFixture
{
    public const string Seed = "test-seed";
    public const string Moscow = "Europe/Moscow";

    /// <summary>10:00 in Moscow (UTC+3).</summary>
    public static readonly DateTimeOffset T0 = new(2026, 3, 2, 7, 0, 0, TimeSpan.Zero);

    public static readonly Cashier Ivanova = new("Ivanova A.");

    public static FiscalRegistration Registration(string registerId = "msk-1-till-1", TaxationSystem systems = TaxationSystem.Osn) =>
        new(registerId, "7707083893", systems, Moscow);

    public static FiscalDriveState Registered(DateTimeOffset? at = null, string registerId = "msk-1-till-1", TaxationSystem systems = TaxationSystem.Osn)
    {
        var (state, report, error) = FiscalDrive.Register(
            Registration(registerId, systems), FiscalDriveIdentity.Emulated(registerId, Seed), at ?? T0);
        Assert.Null(error);
        Assert.NotNull(report);
        Assert.NotNull(state);
        return state;
    }

    public static (FiscalDriveState State, ShiftOpenReport Report) Open(FiscalDriveState state, DateTimeOffset at)
    {
        var (next, report, error) = FiscalDrive.OpenShift(state, Ivanova, at);
        Assert.Null(error);
        Assert.NotNull(report);
        return (next, report);
    }

    public static (FiscalDriveState State, ShiftCloseReport Report) Close(FiscalDriveState state, DateTimeOffset at)
    {
        var (next, report, error) = FiscalDrive.CloseShift(state, null, at);
        Assert.Null(error);
        Assert.NotNull(report);
        return (next, report);
    }

    public static ReceiptRequest Sale(decimal price = 100m, VatRate vat = VatRate.Vat22, decimal quantity = 1m, decimal? cash = null) =>
        new(FiscalOperation.Sell, [new ReceiptItem("milk", "Milk 3.2%", quantity, price, vat)],
            [new ReceiptPayment(PaymentType.Cash, cash ?? Retail.Common.Money.RoundToKopecks(price * quantity))]);

    public static ReceiptRequest Refund(decimal price = 100m) =>
        new(FiscalOperation.SellRefund, [new ReceiptItem("milk", "Milk 3.2%", 1m, price, VatRate.Vat22)],
            [new ReceiptPayment(PaymentType.Electronic, price)]);

    public static (FiscalDriveState State, FiscalReceipt Receipt) Fiscalized(FiscalDriveState state, ReceiptRequest request, DateTimeOffset at)
    {
        var (next, receipt, error) = FiscalDrive.Fiscalize(state, request, at);
        Assert.Null(error);
        Assert.NotNull(receipt);
        return (next, receipt);
    }

    public static Retail.Common.DomainError Refused(FiscalDriveState state, ReceiptRequest request, DateTimeOffset at)
    {
        var (next, receipt, error) = FiscalDrive.Fiscalize(state, request, at);
        Assert.Null(receipt);
        Assert.NotNull(error);
        Assert.Same(state, next);
        return error;
    }
}
