using Retail.Common;
using Retail.Registers.Fiscal;

namespace Retail.Tests.Registers.Fiscal;

public sealed class ReceiptCalculatorTests
{
    private static readonly DateOnly Today = new(2026, 3, 2);

    private static ReceiptItem Item(decimal quantity, decimal price, VatRate vat = VatRate.Vat22, string sku = "milk") =>
        new(sku, null, quantity, price, vat);

    private static ReceiptItem Marked(string? code, decimal quantity = 1m, string sku = "shoes") =>
        new(sku, "Shoes", quantity, 4990m, VatRate.Vat22, Marked: true, MarkingCode: code);

    private static ReceiptPayment Cash(decimal amount) => new(PaymentType.Cash, amount);

    private static ReceiptPayment Card(decimal amount) => new(PaymentType.Electronic, amount);

    private static ReceiptCalculation Calculated(ReceiptItem[] items, ReceiptPayment[] payments, FiscalOperation operation = FiscalOperation.Sell)
    {
        var (receipt, error) = ReceiptCalculator.Calculate(operation, items, payments, Today);
        Assert.Null(error);
        Assert.NotNull(receipt);
        return receipt;
    }

    private static DomainError Refused(ReceiptItem[] items, ReceiptPayment[] payments, FiscalOperation operation = FiscalOperation.Sell, DateOnly? date = null)
    {
        var (receipt, error) = ReceiptCalculator.Calculate(operation, items, payments, date ?? Today);
        Assert.Null(receipt);
        Assert.NotNull(error);
        return error;
    }

    [Fact]
    public void Weighed_goods_round_price_times_quantity_to_kopecks()
    {
        // 0.357 kg × 199.90 = 71.3643 -> 71.36.
        var receipt = Calculated([Item(0.357m, 199.90m, VatRate.Vat10, "apples")], [Card(71.36m)]);

        var line = Assert.Single(receipt.Lines);
        Assert.Equal(71.36m, line.Sum);
        Assert.Equal(6.49m, line.VatAmount);         // 71.36 × 10 / 110 = 6.4872...
        Assert.Equal(71.36m, receipt.Total);
        Assert.Equal(0m, receipt.Change);
        Assert.Equal("apples", line.Name);           // the SKU stands in for a missing name (tag 1030 is required)
        Assert.Equal(PaymentObject.Commodity, line.PaymentObject);
    }

    [Fact]
    public void Half_a_kopeck_rounds_away_from_zero()
    {
        // 0.125 × 0.20 = 0.025 -> 0.03.
        var receipt = Calculated([Item(0.125m, 0.20m)], [Cash(0.03m)]);

        Assert.Equal(0.03m, receipt.Total);
    }

    [Fact]
    public void The_total_is_the_sum_of_line_sums_and_vat_is_grouped_by_rate()
    {
        var receipt = Calculated(
            [Item(2m, 89.90m, sku: "milk"), Item(0.357m, 199.90m, VatRate.Vat10, "apples"), Item(1m, 10m, sku: "bag"), Item(3m, 15m, VatRate.None, "stamp")],
            [Cash(500m)]);

        Assert.Equal(new[] { 179.80m, 71.36m, 10.00m, 45.00m }, receipt.Lines.Select(l => l.Sum));
        Assert.Equal(306.16m, receipt.Total);
        // 22%: 179.80 -> 32.42 (32.4229...), 10.00 -> 1.80 (1.8032...); 10%: 6.49; none: 0.
        Assert.Equal(new[] { new VatAmount(VatRate.Vat22, 34.22m), new VatAmount(VatRate.Vat10, 6.49m), new VatAmount(VatRate.None, 0m) }, receipt.Vat);
        Assert.Equal(193.84m, receipt.Change);
        Assert.Equal("306.16", receipt.Total.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Cash_overpay_becomes_change()
    {
        var receipt = Calculated([Item(0.357m, 199.90m)], [Cash(100m)]);

        Assert.Equal(28.64m, receipt.Change);
        Assert.Equal(new PaymentTotals(100m, 0m), receipt.Payments);
    }

    [Fact]
    public void Card_and_cash_together_give_change_only_from_the_cash()
    {
        var receipt = Calculated([Item(0.357m, 199.90m)], [Card(50m), Cash(30m)]);

        Assert.Equal(8.64m, receipt.Change);
        Assert.Equal(30m, receipt.Payments.Cash);
        Assert.Equal(50m, receipt.Payments.Electronic);
        Assert.True(receipt.Change <= receipt.Payments.Cash);
    }

    [Fact]
    public void Payments_of_one_kind_add_up_and_every_kind_counts()
    {
        var receipt = Calculated([Item(1m, 100m)],
            [Card(10m), Card(20m), new(PaymentType.Prepayment, 30m), new(PaymentType.Credit, 15m), new(PaymentType.Other, 5m), Cash(25m)]);

        Assert.Equal(new PaymentTotals(25m, 30m, 30m, 15m, 5m), receipt.Payments);
        Assert.Equal(5m, receipt.Change);
    }

    [Fact]
    public void Payments_short_of_the_total_are_a_mismatch()
    {
        var error = Refused([Item(0.357m, 199.90m)], [Cash(50m), Card(21.35m)]);

        Assert.Equal(ErrorCodes.PaymentMismatch, error.Code);
    }

    [Fact]
    public void No_payment_at_all_is_a_mismatch() =>
        Assert.Equal(ErrorCodes.PaymentMismatch, Refused([Item(1m, 10m)], []).Code);

    [Fact]
    public void Electronic_payment_may_not_exceed_the_total()
    {
        Assert.Equal(ErrorCodes.PaymentMismatch, Refused([Item(0.357m, 199.90m)], [Card(71.37m)]).Code);
        // Even with cash on top: the card part alone is already more than the total.
        Assert.Equal(ErrorCodes.PaymentMismatch, Refused([Item(1m, 50m)], [Card(60m), Cash(10m)]).Code);
    }

    [Theory]
    [InlineData(PaymentType.Prepayment)]
    [InlineData(PaymentType.Credit)]
    [InlineData(PaymentType.Other)]
    public void No_kind_but_cash_may_exceed_the_total(PaymentType type) =>
        Assert.Equal(ErrorCodes.PaymentMismatch, Refused([Item(1m, 50m)], [new(type, 50.01m)]).Code);

    [Fact]
    public void A_refund_pays_back_exactly_the_total()
    {
        Assert.Equal(ErrorCodes.PaymentMismatch, Refused([Item(1m, 50m)], [Cash(100m)], FiscalOperation.SellRefund).Code);
        Assert.Equal(0m, Calculated([Item(1m, 50m)], [Cash(50m)], FiscalOperation.SellRefund).Change);
    }

    [Fact]
    public void A_marked_item_with_its_code_is_one_unit_with_payment_object_33()
    {
        var receipt = Calculated([Marked("MDEwNDYwNzQyODc1ODU0NTIxNUNvZGU=")], [Card(4990m)]);

        var line = Assert.Single(receipt.Lines);
        Assert.Equal("MDEwNDYwNzQyODc1ODU0NTIxNUNvZGU=", line.MarkingCode);
        Assert.Equal(PaymentObject.MarkedWithCode, line.PaymentObject);
        Assert.Equal(MeasureUnit.Piece, line.Unit);
    }

    [Fact]
    public void Marked_excise_goods_become_payment_object_31()
    {
        var item = Marked("Y29kZQ==") with { PaymentObject = PaymentObject.Excise };

        Assert.Equal(PaymentObject.ExciseMarkedWithCode, Assert.Single(Calculated([item], [Card(4990m)]).Lines).PaymentObject);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(0.5)]
    [InlineData(1.001)]
    public void A_marked_item_with_quantity_other_than_one_is_refused(decimal quantity)
    {
        var error = Refused([Item(1m, 10m), Marked("Y29kZQ==", quantity)], [Card(10000m)]);

        Assert.Equal(ErrorCodes.ValidationFailed, error.Code);
        Assert.Equal("items[1].quantity", error.Field);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void A_marked_item_without_its_code_is_refused(string? code)
    {
        var error = Refused([Marked(code)], [Card(4990m)]);

        Assert.Equal(ErrorCodes.ValidationFailed, error.Code);
        Assert.Equal("items[0].markingCode", error.Field);
    }

    [Fact]
    public void The_same_marking_code_twice_is_refused()
    {
        var error = Refused([Marked("Y29kZQ=="), Marked("Y29kZQ==")], [Card(9980m)]);

        Assert.Equal(ErrorCodes.ValidationFailed, error.Code);
        Assert.Equal("items[1].markingCode", error.Field);
    }

    [Fact]
    public void An_unmarked_item_carries_no_code()
    {
        var error = Refused([Item(1m, 10m) with { MarkingCode = "Y29kZQ==" }], [Cash(10m)]);

        Assert.Equal("items[0].markingCode", error.Field);
    }

    [Fact]
    public void A_marked_item_is_counted_in_pieces()
    {
        var error = Refused([Marked("Y29kZQ==") with { Unit = MeasureUnit.Kilogram }], [Card(4990m)]);

        Assert.Equal("items[0].unit", error.Field);
    }

    [Theory]
    [InlineData(0, 10, "items[0].quantity")]
    [InlineData(-1, 10, "items[0].quantity")]
    [InlineData(0.3571, 10, "items[0].quantity")]      // four decimals
    [InlineData(1_000_000_001, 10, "items[0].quantity")]
    [InlineData(1, -0.01, "items[0].price")]
    [InlineData(1, 10.001, "items[0].price")]           // a tenth of a kopeck
    [InlineData(1, 2_814_749_767_106.56, "items[0].price")]
    [InlineData(1_000_000, 2_814_749_767_106.55, "items[0].quantity")]  // the item sum no longer fits tag 1043
    public void Impossible_quantities_and_prices_are_refused_with_the_field(decimal quantity, decimal price, string field)
    {
        var error = Refused([Item(quantity, price)], [Cash(10m)]);

        Assert.Equal(ErrorCodes.ValidationFailed, error.Code);
        Assert.Equal(field, error.Field);
    }

    [Fact]
    public void A_free_item_is_allowed()
    {
        var receipt = Calculated([Item(1m, 0m)], []);

        Assert.Equal(0m, receipt.Total);
        Assert.Equal(0m, receipt.Change);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a b")]
    [InlineData("a/b")]
    public void A_bad_sku_is_refused(string sku) =>
        Assert.Equal("items[0].sku", Refused([Item(1m, 10m, sku: sku)], [Cash(10m)]).Field);

    [Fact]
    public void A_name_longer_than_tag_1030_allows_is_refused() =>
        Assert.Equal("items[0].name", Refused([Item(1m, 10m) with { Name = new string('x', 129) }], [Cash(10m)]).Field);

    [Fact]
    public void An_empty_receipt_is_refused()
    {
        var error = Refused([], [Cash(10m)]);

        Assert.Equal(ErrorCodes.ValidationFailed, error.Code);
        Assert.Equal("items", error.Field);
    }

    [Theory]
    [InlineData(-1, "payments[1].amount")]
    [InlineData(0.001, "payments[1].amount")]
    public void Bad_payment_amounts_are_refused_with_the_field(decimal amount, string field)
    {
        var error = Refused([Item(1m, 10m)], [Cash(10m), Card(amount)]);

        Assert.Equal(ErrorCodes.ValidationFailed, error.Code);
        Assert.Equal(field, error.Field);
    }

    [Fact]
    public void An_unknown_payment_type_is_refused() =>
        Assert.Equal("payments[0].type", Refused([Item(1m, 10m)], [new((PaymentType)9, 10m)]).Field);

    [Fact]
    public void Twenty_percent_is_refused_on_a_2026_receipt_and_accepted_on_a_2025_one()
    {
        var error = Refused([Item(1m, 10m), Item(1m, 120m, VatRate.Vat20)], [Cash(130m)]);
        Assert.Equal(ErrorCodes.UnsupportedVatRate, error.Code);
        Assert.Equal("items[1].vat", error.Field);

        var (receipt, none) = ReceiptCalculator.Calculate(FiscalOperation.Sell, [Item(1m, 120m, VatRate.Vat20)], [Cash(120m)], new DateOnly(2025, 12, 31));
        Assert.Null(none);
        Assert.Equal(new[] { new VatAmount(VatRate.Vat20, 20.00m) }, receipt!.Vat);
    }

    [Fact]
    public void Twenty_two_percent_is_refused_on_a_2025_receipt() =>
        Assert.Equal(ErrorCodes.UnsupportedVatRate, Refused([Item(1m, 10m)], [Cash(10m)], date: new DateOnly(2025, 12, 31)).Code);

    [Theory]
    [InlineData(FiscalOperation.Buy)]
    [InlineData(FiscalOperation.BuyRefund)]
    [InlineData((FiscalOperation)0)]
    public void A_till_only_sells_and_refunds(FiscalOperation operation) =>
        Assert.Equal("operation", Refused([Item(1m, 10m)], [Cash(10m)], operation).Field);

    [Fact]
    public void Money_is_always_written_with_kopecks()
    {
        var receipt = Calculated([Item(2m, 50m, VatRate.Vat0)], [Cash(100m)]);

        Assert.Equal("100.00", receipt.Lines[0].Sum.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("0.00", receipt.Lines[0].VatAmount.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("100.00", receipt.Payments.Cash.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("0.00", receipt.Change.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
