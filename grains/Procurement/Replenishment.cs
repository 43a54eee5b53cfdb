namespace Retail.Procurement;

/// <summary>The replenishment figures of one SKU in one store.</summary>
public sealed record ReplenishmentPlan(
    decimal DailyDemand,
    decimal SafetyStock,
    decimal ReorderPoint,
    decimal SuggestedQuantity,
    decimal? DaysOfCover,
    DateOnly? StockoutDate);

/// <summary>Reorder point and order quantity (INVENTORY.md, "Replenishment"). Pure arithmetic.</summary>
public static class Replenishment
{
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
