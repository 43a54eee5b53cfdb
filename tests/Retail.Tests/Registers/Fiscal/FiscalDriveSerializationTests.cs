using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Retail.Registers.Fiscal;
using static Retail.Tests.Registers.Fiscal.FiscalDriveFixture;

namespace Retail.Tests.Registers.Fiscal;

/// <summary>A drive's state and documents cross the wire (Orleans) and the journal (JSON) unchanged, so a replay rebuilds the same drive.</summary>
public sealed class FiscalDriveSerializationTests
{
    [Fact]
    public void The_state_and_documents_survive_orleans_serialization()
    {
        var (open, _) = Open(Registered(T0), T0.AddMinutes(1));
        var (after, receipt) = Fiscalized(open, new ReceiptRequest(FiscalOperation.Sell,
            [new ReceiptItem("shoes", "Shoes", 1m, 4990m, VatRate.Vat22, Marked: true, MarkingCode: "Y29kZQ==")],
            [new ReceiptPayment(PaymentType.Electronic, 4990m)]), T0.AddMinutes(2));
        var serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();

        var state = serializer.Deserialize<FiscalDriveState>(serializer.SerializeToArray(after))!;
        var copy = serializer.Deserialize<FiscalReceipt>(serializer.SerializeToArray(receipt))!;

        Assert.Equal(after.Identity, state.Identity);
        Assert.Equal(after.Shift, state.Shift);
        Assert.Equal(after.OfdOutbox.ToArray(), state.OfdOutbox.ToArray());
        Assert.Equal(after.LastDocumentAt, state.LastDocumentAt);
        Assert.Equal(receipt.Header, copy.Header);
        Assert.Equal(receipt.Lines.ToArray(), copy.Lines.ToArray());
        Assert.Equal(receipt.Qr, copy.Qr);
        Assert.True(FiscalDrive.Verify(state, copy));
    }

    [Fact]
    public void The_state_and_documents_survive_json_so_a_ledger_can_replay_them()
    {
        var registered = Registered(T0);
        var (open, openReport) = Open(registered, T0.AddMinutes(1));
        var (after, receipt) = Fiscalized(open, Sale(199.90m, VatRate.Vat10, quantity: 0.357m, cash: 100m), T0.AddMinutes(2));
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);

        var state = JsonSerializer.Deserialize<FiscalDriveState>(JsonSerializer.Serialize(registered, json), json)!;
        var openCopy = JsonSerializer.Deserialize<ShiftOpenReport>(JsonSerializer.Serialize(openReport, json), json)!;
        var receiptCopy = JsonSerializer.Deserialize<FiscalReceipt>(JsonSerializer.Serialize(receipt, json), json)!;
        var replayed = FiscalDrive.Apply(FiscalDrive.Apply(state, openCopy), receiptCopy);

        Assert.True(FiscalDrive.Verify(replayed, receiptCopy));
        Assert.Equal(receipt.Header, receiptCopy.Header);
        Assert.Equal(71.36m, receiptCopy.Total);
        Assert.Equal(28.64m, receiptCopy.Change);
        Assert.Equal(after.Shift, replayed.Shift);
        Assert.Equal(after.OfdOutbox.ToArray(), replayed.OfdOutbox.ToArray());
        Assert.Equal(after.Identity, replayed.Identity);
    }
}
