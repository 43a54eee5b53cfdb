using Retail.Common;
using Retail.Documents;
using Retail.Stock;

namespace Retail.Tests.Documents;

public sealed class TransferRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    private static TransferState Draft(params DocumentLine[] lines) => Transfers.Create("a", "b", lines, Now).State!;

    [Fact]
    public void Shipping_writes_off_the_source_and_announces_incoming_at_the_destination()
    {
        var (shipped, stock, error) = Transfers.Ship("t1", Draft(new("milk", 5), new("kefir", 2.5m)), Now);

        Assert.Null(error);
        Assert.Equal(TransferStatus.Shipped, shipped!.Status);
        Assert.Equal(
            [("a", "kefir", MovementType.TransferOut, 2.5m), ("b", "kefir", MovementType.Incoming, 2.5m), ("a", "milk", MovementType.TransferOut, 5m), ("b", "milk", MovementType.Incoming, 5m)],
            stock.Select(p => (p.StoreId, p.Sku, p.Movement.Type, p.Movement.Quantity)));
        Assert.All(stock, p => Assert.Equal(new DocumentRef("transfer", "t1"), p.Movement.Document));
    }

    [Fact]
    public void A_short_receipt_takes_in_what_arrived_and_records_the_rest_as_lost_in_transit()
    {
        var (shipped, _, _) = Transfers.Ship("t1", Draft(new("milk", 5), new("kefir", 2)), Now);

        var (received, stock, error) = Transfers.Receive("t1", shipped!, [new("milk", 3)], Now);

        Assert.Null(error);
        Assert.Equal([("kefir", 2m, 0m, 2m), ("milk", 5m, 3m, 2m)], received!.Lines.Select(l => (l.Sku, l.Quantity, l.Received!.Value, l.Lost!.Value)));
        Assert.Equal(
            [("kefir", MovementType.Incoming, -2m, StockRules.LossInTransit), ("milk", MovementType.TransferIn, 3m, null), ("milk", MovementType.Incoming, -2m, StockRules.LossInTransit)],
            stock.Select(p => (p.Sku, p.Movement.Type, p.Movement.Quantity, p.Movement.Reason)));
        Assert.All(stock, p => Assert.Equal("b", p.StoreId));
    }

    [Fact]
    public void Each_transition_out_of_turn_is_invalid_state()
    {
        var draft = Draft(new DocumentLine("milk", 1));
        var shipped = Transfers.Ship("t1", draft, Now).State!;
        var received = Transfers.Receive("t1", shipped, null, Now).State!;
        var canceled = Transfers.Cancel("t1", draft, Now).State!;

        Assert.Equal(ErrorCodes.InvalidState, Transfers.Ship("t1", shipped, Now).Error?.Code);
        Assert.Equal(ErrorCodes.InvalidState, Transfers.Receive("t1", draft, null, Now).Error?.Code);
        Assert.Equal(ErrorCodes.InvalidState, Transfers.Receive("t1", received, null, Now).Error?.Code);
        Assert.Equal(ErrorCodes.InvalidState, Transfers.Cancel("t1", shipped, Now).Error?.Code);
        Assert.Equal(ErrorCodes.InvalidState, Transfers.Ship("t1", canceled, Now).Error?.Code);
    }

    [Theory]
    [InlineData("a", 1, "toStoreId")]
    [InlineData("b", 0, "lines[0].quantity")]
    [InlineData("b", -1, "lines[0].quantity")]
    [InlineData("b", 1.0001, "lines[0].quantity")]
    public void Bad_transfers_are_refused(string to, decimal quantity, string field)
    {
        var (state, error) = Transfers.Create("a", to, [new("milk", quantity)], Now);

        Assert.Null(state);
        Assert.Equal((ErrorCodes.ValidationFailed, field), (error?.Code, error?.Field));
    }

    [Fact]
    public void Duplicate_skus_empty_and_oversized_line_lists_are_refused()
    {
        Assert.Equal("lines[1].sku", Transfers.Create("a", "b", [new("milk", 1), new("milk", 2)], Now).Error?.Field);
        Assert.Equal("lines", Transfers.Create("a", "b", [], Now).Error?.Field);
        Assert.Equal("lines", Transfers.Create("a", "b", Enumerable.Range(0, 1001).Select(i => new DocumentLine($"s{i}", 1)).ToList(), Now).Error?.Field);
    }

    [Fact]
    public void A_receipt_cannot_name_a_sku_not_shipped_or_more_than_was_shipped()
    {
        var shipped = Transfers.Ship("t1", Draft(new DocumentLine("milk", 5)), Now).State!;

        Assert.Equal("lines[0].sku", Transfers.Receive("t1", shipped, [new("kefir", 1)], Now).Error?.Field);
        Assert.Equal("lines[0].quantity", Transfers.Receive("t1", shipped, [new("milk", 6)], Now).Error?.Field);
    }

    [Fact]
    public void A_loss_in_transit_takes_out_no_more_than_is_still_incoming()
    {
        var level = StockLevel.Empty("b", "milk") with { Incoming = 1 };

        var (record, error) = StockRules.Apply(level, new StockMovement("loss", MovementType.Incoming, -3, StockRules.LossInTransit), Now);
        var (_, plain) = StockRules.Apply(level, new StockMovement("fix", MovementType.Incoming, -3), Now);

        Assert.Null(error);
        Assert.Equal((-1m, 0m), (record!.IncomingDelta, record.IncomingAfter));
        Assert.Equal(ErrorCodes.InvalidState, plain?.Code);
    }
}
