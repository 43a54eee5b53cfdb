using Retail.Catalog;

namespace Retail.Tests.Registers.Fiscal;

/// <summary>The fiscal drive validates the user's and the cashier's INN with the catalog's <see cref="Inn"/>.</summary>
public sealed class InnTests
{
    [Theory]
    [InlineData("7707083893")]   // Sberbank
    [InlineData("7736207543")]   // Yandex
    [InlineData("7728168971")]   // Alfa-Bank
    [InlineData("500100732259")] // an individual
    public void Known_inns_are_valid(string inn) => Assert.True(Inn.IsValid(inn));

    [Theory]
    [InlineData("7707083894")]   // check digit off by one
    [InlineData("7707083892")]
    [InlineData("7707038893")]   // two digits swapped
    [InlineData("500100732250")] // 12th digit wrong
    [InlineData("500100732269")] // 11th digit wrong
    [InlineData("500100732295")] // both check digits swapped
    [InlineData("770708389")]    // 9 digits
    [InlineData("77070838931")]  // 11 digits
    [InlineData("5001007322590")]
    [InlineData("77O7083893")]   // a letter O
    [InlineData("7707083893 ")]
    [InlineData("")]
    [InlineData(null)]
    public void Malformed_inns_are_not(string? inn) => Assert.False(Inn.IsValid(inn));
}
