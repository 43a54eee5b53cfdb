using Retail.Registers;
using Retail.Registers.Fiscal;

namespace Retail.Tests.Registers;

/// <summary>
/// A receipt's fingerprint decides whether a retry is the same receipt (replayed) or another with the
/// same id (refused). The values below are what the previous version, whose operation and payment kinds
/// were strings, journaled for these receipts (posted through its API, read from register_journal):
/// a till's retry of a receipt taken before the upgrade must still match.
/// </summary>
public sealed class ReceiptFingerprintTests
{
    [Fact]
    public void A_sale_keeps_the_fingerprint_the_previous_version_journaled()
    {
        var sale = new ReceiptInput("rc1", FiscalOperation.Sell,
            [new ReceiptItemInput("milk-1l", 2, 89.90m), new ReceiptItemInput("bread", 1, 54m)],
            [new PaymentInput(PaymentType.Cash, 100m), new PaymentInput(PaymentType.Electronic, 133.80m)],
            new CustomerInput("buyer@example.com", null));

        Assert.Equal("452957D04A278A9850C4DB8FE028CF36FF2924D79930313F67548671B7B8982D", RegisterGrain.Fingerprint(sale));
    }

    [Fact]
    public void A_refund_keeps_the_fingerprint_the_previous_version_journaled()
    {
        var refund = new ReceiptInput("rc2", FiscalOperation.SellRefund,
            [new ReceiptItemInput("bread", 1, 54m)], [new PaymentInput(PaymentType.Electronic, 54m)]);

        Assert.Equal("A4AD4C41CCC7CA9F2A7C5A431FB6B788F23B74C385EBA484E28C937C4CE4854F", RegisterGrain.Fingerprint(refund));
    }
}
