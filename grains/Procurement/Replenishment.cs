using Retail.Analytics;
using Retail.Catalog;
using Retail.Stock;

namespace Retail.Procurement;

/// <summary>The replenishment figures of one SKU in one store.</summary>
public sealed record ReplenishmentPlan(
    decimal DailyDemand,
    decimal SafetyStock,
    decimal ReorderPoint,
    decimal SuggestedQuantity,
    decimal? DaysOfCover,
    DateOnly? StockoutDate);

/// <summary>A store's suggestions, and the reorder points they imply for its stock view (positive ones only).</summary>
public sealed record StorePlan(IReadOnlyList<Suggestion> Suggestions, IReadOnlyDictionary<string, decimal> ReorderPoints);

/// <summary>Reorder point and order quantity (INVENTORY.md, "Replenishment"). Pure arithmetic.</summary>
public static class Replenishment
{
    /// <summary>
    /// Plans every SKU of <paramref name="skus"/> from its sales history and its level in the store, in code
    /// order. Services and dishes are skipped: what they use is planned as their components.
    /// </summary>
    public static StorePlan ForStore(string storeId, IEnumerable<Sku> skus, IReadOnlyList<DailyDemand> demand, IReadOnlyList<StockLevel> levels, DateOnly today)
    {
        var histories = demand.ToDictionary(d => d.Sku, StringComparer.Ordinal);
        var stock = levels.ToDictionary(l => l.Sku, StringComparer.Ordinal);
        var suggestions = new List<Suggestion>();
        var reorderPoints = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var sku in skus.Where(s => s.Kind is not (SkuKind.Service or SkuKind.Dish)).OrderBy(s => s.Code, StringComparer.Ordinal))
        {
            var level = stock.GetValueOrDefault(sku.Code) ?? StockLevel.Empty(storeId, sku.Code);
            var forecast = histories.GetValueOrDefault(sku.Code) is { } history ? DemandForecast.Fit(history.Units, history.FirstDay) : null;
            var terms = sku.Supply ?? new SupplyTerms();
            var plan = Plan(forecast?.DailyAverage(terms.LeadTimeDays) ?? 0, forecast?.Sigma ?? 0, level.Available, level.Incoming, terms, today);
            if (plan.ReorderPoint > 0)
                reorderPoints[sku.Code] = plan.ReorderPoint;
            suggestions.Add(new Suggestion(sku.Code, level.Available, level.Incoming, plan.DailyDemand, plan.SafetyStock,
                plan.ReorderPoint, plan.SuggestedQuantity, plan.DaysOfCover, plan.StockoutDate));
        }
        return new StorePlan(suggestions, reorderPoints);
    }

    /// <summary>
    /// Safety stock = z · σ · √lead time; reorder point = demand · lead time + safety stock. Below it
    /// (available + incoming), order up to reorder point + demand · review period, rounded up to the
    /// pack and at least the minimum order.
    /// </summary>
    public static ReplenishmentPlan Plan(decimal dailyDemand, double sigma, decimal available, decimal incoming, SupplyTerms terms, DateOnly today)
    {
        var safety = Round3((decimal)(terms.ServiceLevelZ * sigma * Math.Sqrt(terms.LeadTimeDays)));
        var reorderPoint = Round3(dailyDemand * terms.LeadTimeDays + safety);
        var position = available + incoming;
        var suggested = 0m;
        if (position < reorderPoint)
        {
            var needed = reorderPoint + dailyDemand * terms.ReviewPeriodDays - position;
            var pack = terms.PackSize > 0 ? terms.PackSize : 1;
            suggested = Math.Max(Math.Ceiling(needed / pack) * pack, terms.MinimumOrder);
            if (terms.MinimumOrder > 0 && suggested % pack != 0)
                suggested = Math.Ceiling(suggested / pack) * pack;
        }
        decimal? cover = dailyDemand > 0 ? Math.Round(Math.Max(available, 0) / dailyDemand, 1) : null;
        DateOnly? stockout = cover is { } days ? today.AddDays((int)Math.Floor(days)) : null;
        return new ReplenishmentPlan(Round3(dailyDemand), safety, reorderPoint, suggested, cover, stockout);
    }

    private static decimal Round3(decimal value) => Math.Round(value, 3, MidpointRounding.AwayFromZero);
}
