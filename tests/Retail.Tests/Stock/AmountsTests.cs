using Retail.Common;

namespace Retail.Tests.Stock;

public sealed class AmountsTests
{
    [Theory]
    [InlineData("71.3643", "71.36")]
    [InlineData("0.005", "0.01")]
    [InlineData("-0.005", "-0.01")]
    [InlineData("10.444999", "10.44")]
    public void Money_rounds_half_away_from_zero_to_kopecks(string amount, string expected) =>
        Assert.Equal(decimal.Parse(expected), Money.RoundToKopecks(decimal.Parse(amount)));

    [Fact]
    public void Money_is_shown_with_two_decimals() =>
        Assert.Equal("89.90", Money.WithKopecks(89.9m).ToString(System.Globalization.CultureInfo.InvariantCulture));

    [Theory]
    [InlineData("1.234", true)]
    [InlineData("1.2340", true)]
    [InlineData("1.2345", false)]
    [InlineData("-0.001", true)]
    public void Quantities_have_at_most_three_decimals(string quantity, bool valid) =>
        Assert.Equal(valid, Quantity.HasAtMostThreeDecimals(decimal.Parse(quantity)));
}
