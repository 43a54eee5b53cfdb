namespace Retail.Common;

/// <summary>Money is rubles with kopecks: every rounding of money happens here.</summary>
public static class Money
{
    public static decimal RoundToKopecks(decimal rubles) =>
        Math.Round(rubles, 2, MidpointRounding.AwayFromZero);

    public static bool HasAtMostKopecks(decimal rubles) => rubles == Math.Round(rubles, 2);

    /// <summary>The same amount written with exactly two decimals (89.9 -> 89.90), as the API shows money.</summary>
    public static decimal WithKopecks(decimal rubles) => RoundToKopecks(rubles) + 0.00m;
}

/// <summary>Quantities carry up to 3 decimals (weighed goods: grams of a kilogram).</summary>
public static class Quantity
{
    public const int MaxDecimals = 3;

    public static bool HasAtMostThreeDecimals(decimal quantity) => quantity == Math.Round(quantity, MaxDecimals);
}
