using Retail.Common;
using Retail.Stock;

namespace Retail.Tests.Stock;

public sealed class StockRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);
    private static readonly StockLevel Level = new("msk-1", "milk", OnHand: 10, Reserved: 2, Incoming: 5, Version: 7);

    private static StockMovementRecord Applied(MovementType type, decimal quantity, StockLevel? level = null, decimal? expected = null)
    {
        var (record, error) = StockRules.Apply(level ?? Level, new StockMovement("m", type, quantity, ExpectedOnHand: expected), Now);
        Assert.Null(error);
        Assert.NotNull(record);
        Assert.Equal((level ?? Level).Version + 1, record.Version);
        return record;
    }

    [Theory]
    [InlineData(MovementType.Sale, 3, 7, 2, 5)]
    [InlineData(MovementType.SaleRefund, 3, 13, 2, 5)]
    [InlineData(MovementType.GoodsReceipt, 3, 13, 2, 2)]
    [InlineData(MovementType.GoodsReceipt, 8, 18, 2, 0)]
    [InlineData(MovementType.TransferOut, 4, 6, 2, 5)]
    [InlineData(MovementType.TransferIn, 4, 14, 2, 1)]
    [InlineData(MovementType.WriteOff, 1.5, 8.5, 2, 5)]
    [InlineData(MovementType.Reserve, 8, 10, 10, 5)]
    [InlineData(MovementType.Release, 2, 10, 0, 5)]
    [InlineData(MovementType.Consumption, 0.018, 9.982, 2, 5)]
    [InlineData(MovementType.Correction, -4, 6, 2, 5)]
    [InlineData(MovementType.Correction, 4, 14, 2, 5)]
    [InlineData(MovementType.Incoming, 6, 10, 2, 11)]
    [InlineData(MovementType.Incoming, -5, 10, 2, 0)]
    [InlineData(MovementType.CountAdjustment, 7, 7, 2, 5)]
    [InlineData(MovementType.CountAdjustment, 12.25, 12.25, 2, 5)]
    public void Each_movement_type_has_its_effect(MovementType type, decimal quantity, decimal onHand, decimal reserved, decimal incoming)
    {
        var record = Applied(type, quantity);

        Assert.Equal((onHand, reserved, incoming), (record.OnHandAfter, record.ReservedAfter, record.IncomingAfter));
        Assert.Equal(onHand - Level.OnHand, record.OnHandDelta);
        Assert.Equal(reserved - Level.Reserved, record.ReservedDelta);
        Assert.Equal(incoming - Level.Incoming, record.IncomingDelta);
        Assert.Equal(onHand - reserved, record.LevelAfter.Available);
    }

    [Fact]
    public void A_sale_beyond_stock_is_applied_and_goes_negative()
    {
        var record = Applied(MovementType.Sale, 12);

        Assert.Equal(-2, record.OnHandAfter);
        Assert.True(StockRules.WentNegative(record));
        Assert.False(StockRules.WentNegative(Applied(MovementType.Sale, 1, record.LevelAfter)));
    }

    [Fact]
    public void A_reservation_beyond_available_is_refused()
    {
        var (record, error) = StockRules.Apply(Level, new StockMovement("r", MovementType.Reserve, 8.001m), Now);

        Assert.Null(record);
        Assert.Equal(ErrorCodes.InsufficientStock, error!.Code);
    }

    [Fact]
    public void Releasing_more_than_reserved_and_withdrawing_more_than_incoming_are_refused()
    {
        Assert.Equal(ErrorCodes.InvalidState, StockRules.Apply(Level, new StockMovement("r", MovementType.Release, 3), Now).Error!.Code);
        Assert.Equal(ErrorCodes.InvalidState, StockRules.Apply(Level, new StockMovement("i", MovementType.Incoming, -6), Now).Error!.Code);
    }

    [Fact]
    public void A_count_with_a_stale_expected_figure_is_refused_and_a_current_one_applies()
    {
        var stale = StockRules.Apply(Level, new StockMovement("c", MovementType.CountAdjustment, 9, ExpectedOnHand: 11), Now);
        Assert.Equal(ErrorCodes.StaleQuantity, stale.Error!.Code);

        var current = Applied(MovementType.CountAdjustment, 9, expected: 10);
        Assert.Equal(-1, current.OnHandDelta);
    }

    [Theory]
    [InlineData(MovementType.Sale, 0)]
    [InlineData(MovementType.GoodsReceipt, -1)]
    [InlineData(MovementType.WriteOff, 0)]
    [InlineData(MovementType.Correction, 0)]
    [InlineData(MovementType.CountAdjustment, -1)]
    [InlineData(MovementType.Sale, 1.0001)]
    [InlineData(MovementType.GoodsReceipt, 2000000000)]
    public void Invalid_quantities_are_refused(MovementType type, decimal quantity)
    {
        var error = StockRules.Validate(new StockMovement("m", type, quantity));

        Assert.Equal(ErrorCodes.ValidationFailed, error!.Code);
        Assert.Equal("quantity", error.Field);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("bad\nid")]
    public void Invalid_movement_ids_are_refused(string id) =>
        Assert.Equal("id", StockRules.Validate(new StockMovement(id, MovementType.Sale, 1))!.Field);

    [Fact]
    public void A_movement_id_of_129_characters_is_refused_and_128_accepted()
    {
        Assert.NotNull(StockRules.Validate(new StockMovement(new string('a', 129), MovementType.Sale, 1)));
        Assert.Null(StockRules.Validate(new StockMovement(new string('a', 128), MovementType.Sale, 1)));
    }

    [Fact]
    public void Replaying_the_records_rebuilds_the_level()
    {
        var level = StockLevel.Empty("msk-1", "milk");
        var records = new List<StockMovementRecord>();
        foreach (var (type, quantity) in new[] { (MovementType.Incoming, 10m), (MovementType.GoodsReceipt, 10m), (MovementType.Sale, 3.5m), (MovementType.Reserve, 2m), (MovementType.CountAdjustment, 6m) })
        {
            var (record, _) = StockRules.Apply(level, new StockMovement($"m{records.Count}", type, quantity), Now);
            records.Add(record!);
            level = record!.LevelAfter;
        }

        var replayed = records.Aggregate(StockLevel.Empty("msk-1", "milk"), StockRules.Replay);

        Assert.Equal(level, replayed);
        Assert.Equal(new StockLevel("msk-1", "milk", 6, 2, 0, 5), replayed);
    }

    [Fact]
    public void The_fingerprint_tells_a_retry_from_a_different_request()
    {
        var first = new StockMovement("m", MovementType.WriteOff, 1.5m, "damaged", OccurredAt: Now);
        var retry = first with { OccurredAt = Now.AddMinutes(1), Quantity = 1.500m };

        Assert.Equal(StockRules.Fingerprint(first), StockRules.Fingerprint(retry));
        Assert.NotEqual(StockRules.Fingerprint(first), StockRules.Fingerprint(first with { Quantity = 2 }));
        Assert.NotEqual(StockRules.Fingerprint(first), StockRules.Fingerprint(first with { Reason = "expired" }));
    }
}
