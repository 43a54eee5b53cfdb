namespace Retail.Orleans.Common;

/// <summary>Money is rubles with kopecks: every rounding of money happens here.</summary>
public static class Money
{
    public static decimal RoundToKopecks(decimal rubles) =>
        Math.Round(rubles, 2, MidpointRounding.AwayFromZero);

    public static bool HasAtMostKopecks(decimal rubles) => rubles == Math.Round(rubles, 2);
}

/// <summary>Quantities carry up to 3 decimals (weighed goods: grams of a kilogram).</summary>
public static class Quantity
{
    public const int MaxDecimals = 3;

    public static bool HasAtMostThreeDecimals(decimal quantity) => quantity == Math.Round(quantity, MaxDecimals);
}
