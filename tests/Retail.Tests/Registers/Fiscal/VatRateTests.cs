using Retail.Common;
using Retail.Registers.Fiscal;

namespace Retail.Tests.Registers.Fiscal;

public sealed class VatRateTests
{
    private static readonly DateOnly In2025 = new(2025, 6, 1);
    private static readonly DateOnly In2026 = new(2026, 6, 1);

    // Expected values worked out by hand: sum × p / (100 + p), then half a kopeck rounds up.
    [Theory]
    [InlineData(VatRate.Vat22, "1000.00", "180.33")]  // 22000 / 122 = 180.3278...
    [InlineData(VatRate.Vat122, "1000.00", "180.33")]
    [InlineData(VatRate.Vat20, "1000.00", "166.67")]  // 20000 / 120 = 166.666...
    [InlineData(VatRate.Vat120, "1000.00", "166.67")]
    [InlineData(VatRate.Vat10, "1000.00", "90.91")]   // 10000 / 110 = 90.9090...
    [InlineData(VatRate.Vat110, "1000.00", "90.91")]
    [InlineData(VatRate.Vat7, "1000.00", "65.42")]    // 7000 / 107 = 65.4205...
    [InlineData(VatRate.Vat107, "1000.00", "65.42")]
    [InlineData(VatRate.Vat5, "1000.00", "47.62")]    // 5000 / 105 = 47.6190...
    [InlineData(VatRate.Vat105, "1000.00", "47.62")]
    [InlineData(VatRate.Vat0, "1000.00", "0.00")]
    [InlineData(VatRate.None, "1000.00", "0.00")]
    [InlineData(VatRate.Vat22, "122.00", "22.00")]
    [InlineData(VatRate.Vat20, "120.00", "20.00")]
    [InlineData(VatRate.Vat10, "110.00", "10.00")]
    [InlineData(VatRate.Vat7, "107.00", "7.00")]
    [InlineData(VatRate.Vat5, "105.00", "5.00")]
    [InlineData(VatRate.Vat22, "71.36", "12.87")]     // 1569.92 / 122 = 12.8681...
    [InlineData(VatRate.Vat10, "71.36", "6.49")]      // 713.6 / 110 = 6.4872...
    [InlineData(VatRate.Vat22, "59.99", "10.82")]     // 1319.78 / 122 = 10.8178...
    [InlineData(VatRate.Vat20, "0.15", "0.03")]       // 3 / 120 = 0.025 exactly: half a kopeck goes up
    [InlineData(VatRate.Vat22, "0.00", "0.00")]
    public void Vat_is_included_in_the_sum(VatRate rate, string sum, string expected)
    {
        var amount = rate.AmountOf(decimal.Parse(sum, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), amount);
        Assert.Equal(expected, amount.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData(VatRate.Vat20, 1)]
    [InlineData(VatRate.Vat10, 2)]
    [InlineData(VatRate.Vat120, 3)]
    [InlineData(VatRate.Vat110, 4)]
    [InlineData(VatRate.Vat0, 5)]
    [InlineData(VatRate.None, 6)]
    [InlineData(VatRate.Vat5, 7)]
    [InlineData(VatRate.Vat7, 8)]
    [InlineData(VatRate.Vat105, 9)]
    [InlineData(VatRate.Vat107, 10)]
    [InlineData(VatRate.Vat22, 11)]
    [InlineData(VatRate.Vat122, 12)]
    public void Rates_carry_their_tag_1199_values(VatRate rate, int tag) => Assert.Equal(tag, (int)rate);

    [Theory]
    [InlineData("vat22", VatRate.Vat22)]
    [InlineData("vat10", VatRate.Vat10)]
    [InlineData("vat0", VatRate.Vat0)]
    [InlineData("none", VatRate.None)]
    [InlineData("vat5", VatRate.Vat5)]
    [InlineData("vat7", VatRate.Vat7)]
    [InlineData("vat122", VatRate.Vat122)]
    [InlineData("vat110", VatRate.Vat110)]
    [InlineData("vat105", VatRate.Vat105)]
    [InlineData("vat107", VatRate.Vat107)]
    [InlineData("vat120", VatRate.Vat120)]
    [InlineData("vat20", VatRate.Vat20)]
    public void Api_names_round_trip(string name, VatRate rate)
    {
        Assert.True(VatRates.TryParse(name, out var parsed));
        Assert.Equal(rate, parsed);
        Assert.Equal(name, rate.ToApiName());
    }

    [Theory]
    [InlineData("VAT22")]
    [InlineData("vat18")]
    [InlineData("")]
    [InlineData(null)]
    public void Unknown_names_are_not_rates(string? name) => Assert.False(VatRates.TryParse(name, out _));

    [Fact]
    public void Every_rate_has_a_name() =>
        Assert.Equal(Enum.GetValues<VatRate>().OrderBy(r => r), VatRates.All.Select(x => x.Rate).OrderBy(r => r));

    [Theory]
    [InlineData(VatRate.Vat20)]
    [InlineData(VatRate.Vat120)]
    public void Twenty_percent_is_refused_from_2026(VatRate rate)
    {
        Assert.True(rate.IsValidOn(new DateOnly(2025, 12, 31)));
        Assert.False(rate.IsValidOn(new DateOnly(2026, 1, 1)));

        var error = VatRates.CheckValidOn(rate, new DateOnly(2026, 1, 1), "items[0].vat");
        Assert.NotNull(error);
        Assert.Equal(ErrorCodes.UnsupportedVatRate, error.Code);
        Assert.Equal("items[0].vat", error.Field);
        Assert.Null(VatRates.CheckValidOn(rate, new DateOnly(2025, 12, 31), "items[0].vat"));
    }

    [Theory]
    [InlineData(VatRate.Vat22)]
    [InlineData(VatRate.Vat122)]
    public void Twenty_two_percent_is_refused_before_2026(VatRate rate)
    {
        Assert.False(rate.IsValidOn(new DateOnly(2025, 12, 31)));
        Assert.True(rate.IsValidOn(new DateOnly(2026, 1, 1)));
        Assert.Equal(ErrorCodes.UnsupportedVatRate, VatRates.CheckValidOn(rate, new DateOnly(2025, 12, 31), "vat")?.Code);
    }

    [Theory]
    [InlineData(VatRate.Vat10)]
    [InlineData(VatRate.Vat110)]
    [InlineData(VatRate.Vat0)]
    [InlineData(VatRate.None)]
    [InlineData(VatRate.Vat5)]
    [InlineData(VatRate.Vat7)]
    [InlineData(VatRate.Vat105)]
    [InlineData(VatRate.Vat107)]
    public void Other_rates_apply_in_both_years(VatRate rate)
    {
        Assert.True(rate.IsValidOn(In2025));
        Assert.True(rate.IsValidOn(In2026));
    }

    [Fact]
    public void An_undefined_rate_is_refused()
    {
        var error = VatRates.CheckValidOn((VatRate)13, In2026, "vat");
        Assert.Equal(ErrorCodes.UnsupportedVatRate, error?.Code);
    }

    [Fact]
    public void Breakdown_sums_line_vats_per_rate_in_order_of_first_appearance()
    {
        // Three lines of 10.00 at 22%: each line's VAT is 1.80 (1.8032...), so the rate's total is 5.40,
        // although 22% of the group sum 30.00 would be 5.41.
        var lines = new[]
        {
            (VatRate.Vat22, VatRate.Vat22.AmountOf(10.00m)),
            (VatRate.Vat10, VatRate.Vat10.AmountOf(199.90m)),
            (VatRate.Vat22, VatRate.Vat22.AmountOf(10.00m)),
            (VatRate.None, VatRate.None.AmountOf(5m)),
            (VatRate.Vat22, VatRate.Vat22.AmountOf(10.00m)),
        };

        var breakdown = VatRates.Breakdown(lines);

        Assert.Equal(new[] { new VatAmount(VatRate.Vat22, 5.40m), new VatAmount(VatRate.Vat10, 18.17m), new VatAmount(VatRate.None, 0m) }, breakdown);
    }
}
