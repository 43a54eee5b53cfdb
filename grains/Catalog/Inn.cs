namespace Retail.Catalog;

/// <summary>The taxpayer number (ИНН, tag 1018): 10 digits for an organisation, 12 for a person, with check digits.</summary>
public static class Inn
{
    private static readonly int[] Ten = [2, 4, 10, 3, 5, 9, 4, 6, 8];
    private static readonly int[] TwelveFirst = [7, 2, 4, 10, 3, 5, 9, 4, 6, 8];
    private static readonly int[] TwelveSecond = [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8];

    public static bool IsValid(string? inn)
    {
        if (inn is null || (inn.Length != 10 && inn.Length != 12) || !inn.All(char.IsAsciiDigit))
            return false;
        var digits = inn.Select(c => c - '0').ToArray();
        return inn.Length == 10
            ? CheckDigit(digits, Ten) == digits[9]
            : CheckDigit(digits, TwelveFirst) == digits[10] && CheckDigit(digits, TwelveSecond) == digits[11];
    }

    private static int CheckDigit(int[] digits, int[] weights) =>
        weights.Select((weight, i) => weight * digits[i]).Sum() % 11 % 10;
}
