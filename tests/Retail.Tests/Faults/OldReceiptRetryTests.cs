using Retail.Common;
using Retail.Registers;
using Retail.Registers.Fiscal;
using Retail.Tests.Cluster;
using Retail.Tests.Registers;

namespace Retail.Tests.Faults;

/// <summary>A till's retry of any age is answered with the first document, never fiscalized again and never refused.</summary>
[Collection(TwoSiloCollection.Name)]
public sealed class OldReceiptRetryTests(TwoSiloCluster fixture)
{
    [Fact]
    public async Task A_receipt_retried_after_hundreds_of_others_and_a_closed_shift_gets_its_first_document()
    {
        var scenario = await new RegisterScenario(fixture.Grains).WithStoreAsync();
        await scenario.DefineSkuAsync("water");
        await scenario.ReceiveAsync("water", 1000);
        var register = await scenario.OpenRegisterAsync();
        var first = await register.FiscalizeAsync(RegisterScenario.Sale("old-1", "water", 1, 50));
        for (var i = 0; i < 250; i++)
            Assert.Null((await register.FiscalizeAsync(RegisterScenario.Sale($"r-{i}", "water", 1, 50))).Error);
        Assert.Null((await register.CloseShiftAsync(null)).Error);
        var lastNumber = (await register.GetAsync())!.LastFiscalDocumentNumber;

        var retried = await register.FiscalizeAsync(RegisterScenario.Sale("old-1", "water", 1, 50));
        var conflicting = await register.FiscalizeAsync(RegisterScenario.Sale("old-1", "water", 2, 50) with
        {
            Payments = [new PaymentInput(PaymentType.Cash, 100)],
        });

        Assert.Null(retried.Error);
        Assert.True(retried.Replayed);
        Assert.Equal(first.Value!.FiscalDocumentNumber, retried.Value!.FiscalDocumentNumber);
        Assert.Equal(first.Value.FiscalSign, retried.Value.FiscalSign);
        Assert.Equal(ErrorCodes.IdempotencyConflict, conflicting.Error?.Code);
        Assert.Equal(lastNumber, (await register.GetAsync())!.LastFiscalDocumentNumber);
        Assert.Equal(1000m - 251, (await scenario.StockAsync("water")).OnHand);
    }
}
