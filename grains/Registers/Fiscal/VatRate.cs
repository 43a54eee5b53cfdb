using System.Collections.Immutable;
using Retail.Common;

namespace Retail.Registers.Fiscal;

/// <summary>
/// VAT rate, tag 1199; the member value is the tag value. The "calculated" rates (20/120, 22/122,
/// ...) are used when the base is not known yet (advances, prepayments); their arithmetic is the same.
/// </summary>
[GenerateSerializer, Alias("FiscalVatRate")]
public enum VatRate
{
    Vat20 = 1,
    Vat10 = 2,
    Vat120 = 3,
    Vat110 = 4,
    Vat0 = 5,
    None = 6,
    Vat5 = 7,
    Vat7 = 8,
    Vat105 = 9,
    Vat107 = 10,
    Vat22 = 11,
    Vat122 = 12,
}

/// <summary>The VAT sum of one rate on a receipt (tags 1102-1107, 1115, 1119 and their FFD 1.2 successors).</summary>
[GenerateSerializer, Immutable, Alias("FiscalVatAmount")]
public sealed record VatAmount(
    [property: Id(0)] VatRate Rate,
    [property: Id(1)] decimal Amount);

/// <summary>VAT arithmetic and the calendar of rates.</summary>
public static class VatRates
{
    /// <summary>Law 425-FZ: the standard rate is 22% for settlements from this date, 20% before it.</summary>
    public static readonly DateOnly Standard22From = new(2026, 1, 1);

    /// <summary>Every rate with its API / ATOL Online name.</summary>
    public static readonly ImmutableArray<(VatRate Rate, string Name)> All =
    [
        (VatRate.Vat22, "vat22"), (VatRate.Vat10, "vat10"), (VatRate.Vat0, "vat0"), (VatRate.None, "none"),
        (VatRate.Vat5, "vat5"), (VatRate.Vat7, "vat7"),
        (VatRate.Vat122, "vat122"), (VatRate.Vat110, "vat110"), (VatRate.Vat105, "vat105"), (VatRate.Vat107, "vat107"),
        (VatRate.Vat20, "vat20"), (VatRate.Vat120, "vat120"),
    ];

    public static string ToApiName(this VatRate rate)
    {
        foreach (var (r, name) in All)
            if (r == rate) return name;
        throw new ArgumentOutOfRangeException(nameof(rate), rate, null);
    }

    public static bool TryParse(string? name, out VatRate rate)
    {
        foreach (var (r, n) in All)
        {
            if (n == name)
            {
                rate = r;
                return true;
            }
        }
        rate = default;
        return false;
    }

    /// <summary>The percentage that goes into sum × p / (100 + p); 0 for <c>vat0</c> and <c>none</c>.</summary>
    public static int Percent(this VatRate rate) => rate switch
    {
        VatRate.Vat22 or VatRate.Vat122 => 22,
        VatRate.Vat20 or VatRate.Vat120 => 20,
        VatRate.Vat10 or VatRate.Vat110 => 10,
        VatRate.Vat7 or VatRate.Vat107 => 7,
        VatRate.Vat5 or VatRate.Vat105 => 5,
        VatRate.Vat0 or VatRate.None => 0,
        _ => throw new ArgumentOutOfRangeException(nameof(rate), rate, null),
    };

    /// <summary>The VAT included in a price-inclusive sum: sum × p / (100 + p), rounded to kopecks.</summary>
    public static decimal AmountOf(this VatRate rate, decimal sum)
    {
        var percent = rate.Percent();
        return Money.WithKopecks(percent == 0 ? 0m : sum * percent / (100 + percent));
    }

    /// <summary>
    /// Whether a settlement dated <paramref name="date"/> (local date of the settlement) may use the rate:
    /// 20% and 20/120 end on 2025-12-31, 22% and 22/122 start on 2026-01-01 (425-FZ; tag 1199 values 11, 12).
    /// </summary>
    public static bool IsValidOn(this VatRate rate, DateOnly date) => rate switch
    {
        VatRate.Vat20 or VatRate.Vat120 => date < Standard22From,
        VatRate.Vat22 or VatRate.Vat122 => date >= Standard22From,
        _ => Enum.IsDefined(rate),
    };

    /// <summary>The refusal for a rate that is unknown or not in force on the date, or null.</summary>
    public static DomainError? CheckValidOn(VatRate rate, DateOnly date, string field)
    {
        if (!Enum.IsDefined(rate))
            return new DomainError(ErrorCodes.UnsupportedVatRate, $"Unknown VAT rate {(int)rate}.", field);
        if (!rate.IsValidOn(date))
            return new DomainError(ErrorCodes.UnsupportedVatRate, date < Standard22From
                ? $"VAT rate {rate.ToApiName()} applies to settlements from {Standard22From:yyyy-MM-dd}; this one is dated {date:yyyy-MM-dd}."
                : $"VAT rate {rate.ToApiName()} no longer applies on {date:yyyy-MM-dd}; the standard rate is 22% since {Standard22From:yyyy-MM-dd}.", field);
        return null;
    }

    /// <summary>
    /// The receipt's VAT per rate, in the order rates first appear on the receipt.
    /// </summary>
    public static ImmutableArray<VatAmount> Breakdown(IEnumerable<(VatRate Rate, decimal LineVat)> lines)
    {
        // Sum of the line VATs (tag 1200), not VAT of the group sum: the totals then equal what each line prints.
        var order = new List<VatRate>();
        var sums = new Dictionary<VatRate, decimal>();
        foreach (var (rate, lineVat) in lines)
        {
            if (!sums.TryGetValue(rate, out var sum))
                order.Add(rate);
            sums[rate] = sum + lineVat;
        }
        return [.. order.Select(r => new VatAmount(r, sums[r]))];
    }
}
