using System.Globalization;
using Retail.Common;
using Retail.Registers;
using Retail.Stock;

namespace Retail.Documents;

/// <summary>What a count remembers once posted: its body's fingerprint (a retry with another body is a conflict) and its report.</summary>
public sealed record CountState(string Fingerprint, CountReport Report);

/// <summary>
/// A physical count (INVENTORY.md, rule 5), pure: given each pair's onHand as read just before posting, the
/// countAdjustment movements and the discrepancy report. A line whose expectation differs from onHand is
/// refused (<c>stale_quantity</c>) and the others post. Every movement carries the onHand it was computed
/// on, so a sale that lands between the read and the post makes the whole step stale, and the count
/// reads again: the report is exact at the moment each line posts.
/// </summary>
public static class Counts
{
    public static DomainError? Check(string scope, IReadOnlyList<CountLine>? lines)
    {
        if (scope is not (CountScopes.Partial or CountScopes.Full))
            return new DomainError(ErrorCodes.ValidationFailed, "A scope is partial or full.", "scope");
        if (lines is not { Count: > 0 and <= Transfers.MaxLines })
            return new DomainError(ErrorCodes.ValidationFailed, $"A count has 1 to {Transfers.MaxLines} lines.", "lines");
        if (DocumentLines.Check(lines.Select(l => new DocumentLine(l.Sku, l.Counted)).ToList(), "lines", allowZero: true) is { } invalid)
            return invalid.Field?.EndsWith(".quantity", StringComparison.Ordinal) == true ? invalid with { Field = invalid.Field[..^".quantity".Length] + ".counted" } : invalid;
        for (var i = 0; i < lines.Count; i++)
            if (lines[i].ExpectedOnHand is { } expected && (!Quantity.HasAtMostThreeDecimals(expected) || Math.Abs(expected) > StockRules.MaxQuantity))
                return new DomainError(ErrorCodes.ValidationFailed, "An expected onHand is a quantity with at most 3 decimals.", $"lines[{i}].expectedOnHand");
        return null;
    }

    public static string Fingerprint(string scope, IReadOnlyList<CountLine> lines) =>
        scope + "|" + string.Join(';', lines.OrderBy(l => l.Sku, StringComparer.Ordinal).Select(l =>
            $"{l.Sku}={l.Counted.ToString("0.###", CultureInfo.InvariantCulture)}?{l.ExpectedOnHand?.ToString("0.###", CultureInfo.InvariantCulture)}"));

    /// <summary>
    /// The movements and the report. <paramref name="levels"/> holds every listed SKU's pair and, for a full
    /// count, every pair of the store in stock; <paramref name="prices"/> each SKU's price.
    /// </summary>
    public static (IReadOnlyList<PlannedMovement> Stock, CountReport Report) Plan(
        string countId, string storeId, string scope, IReadOnlyList<CountLine> lines,
        IReadOnlyDictionary<string, StockLevel> levels, IReadOnlyDictionary<string, decimal> prices, DateTimeOffset now)
    {
        var document = new DocumentRef("count", countId);
        var stock = new List<PlannedMovement>();
        var results = new List<CountLineResult>();
        var all = lines.ToList();
        if (scope == CountScopes.Full)
        {
            var listed = lines.Select(l => l.Sku).ToHashSet(StringComparer.Ordinal);
            all.AddRange(levels.Values.Where(l => !listed.Contains(l.Sku) && l.OnHand != 0)
                .OrderBy(l => l.Sku, StringComparer.Ordinal).Select(l => new CountLine(l.Sku, 0)));
        }
        for (var i = 0; i < all.Count; i++)
        {
            var line = all[i];
            var before = levels.TryGetValue(line.Sku, out var level) ? level.OnHand : 0;
            if (line.ExpectedOnHand is { } expected && expected != before)
            {
                results.Add(new CountLineResult(line.Sku, line.Counted, before, null, null,
                    new DomainError(ErrorCodes.StaleQuantity, $"The count expected onHand {expected}, but it is {before} now.", $"lines[{i}].expectedOnHand")));
                continue;
            }
            stock.Add(new PlannedMovement(storeId, line.Sku, new StockMovement(
                Identifiers.Derived($"count:{storeId}:{countId}:{line.Sku}"), MovementType.CountAdjustment, line.Counted,
                Document: document, OccurredAt: now, ExpectedOnHand: before)));
            var difference = line.Counted - before;
            results.Add(new CountLineResult(line.Sku, line.Counted, before, difference,
                Money.RoundToKopecks(difference * prices.GetValueOrDefault(line.Sku)), Listed: i < lines.Count));
        }
        var posted = results.Where(r => r.Problem is null).ToList();
        return (stock, new CountReport(countId, storeId, scope, now, results, posted.Count, results.Count - posted.Count,
            posted.Sum(r => r.Difference!.Value), posted.Sum(r => r.Value!.Value)));
    }
}
