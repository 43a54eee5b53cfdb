using System.Text.Json;
using Retail.Common;
using Retail.Registers;
using Retail.Registers.Fiscal;

namespace Retail.Tests.Registers;

/// <summary>
/// A receipt's operation and payment kinds are typed codes, and in the journal's JSON they stay the
/// API names they were written as when they were strings: entries of earlier versions read, new ones look the same.
/// </summary>
public sealed class ReceiptInputJsonTests
{
    [Fact]
    public void Payment_kinds_are_written_and_read_by_their_api_names()
    {
        var written = JsonSerializer.Serialize(new PaymentInput(PaymentType.Prepayment, 5m), RegisterGrain.Json);

        Assert.Equal("""{"type":"prepayment","amount":5}""", written);
        foreach (var type in Enum.GetValues<PaymentType>())
            Assert.Equal(type, JsonSerializer.Deserialize<PaymentInput>($$"""{"type":"{{type.ToApiName()}}","amount":1}""", RegisterGrain.Json)!.Type);
    }

    [Fact]
    public void A_journaled_cloud_receipt_request_of_an_earlier_version_reads_its_payments()
    {
        // As a version that held the payment kind as a string journaled it.
        const string stored = """[{"type":"electronic","amount":200},{"type":"other","amount":10.5}]""";

        var payments = JsonSerializer.Deserialize<List<PaymentInput>>(stored, RegisterGrain.Json)!;

        Assert.Equal([new PaymentInput(PaymentType.Electronic, 200m), new PaymentInput(PaymentType.Other, 10.5m)], payments);
    }

    [Fact]
    public void The_operation_is_written_by_its_api_name()
    {
        var input = new ReceiptInput("r1", FiscalOperation.SellRefund, [], []);

        using var json = JsonDocument.Parse(JsonSerializer.Serialize(input, RegisterGrain.Json));

        Assert.Equal("sellRefund", json.RootElement.GetProperty("operation").GetString());
        Assert.Equal(FiscalOperation.SellRefund, JsonSerializer.Deserialize<ReceiptInput>(json.RootElement.GetRawText(), RegisterGrain.Json)!.Operation);
    }
}
