using Retail.Common;
using Retail.Registers;
using Retail.Registers.Fiscal;

namespace Retail.Analytics;

/// <summary>
/// A store's sales, bucketed by hour and day of its local time, and by SKU and day. Pure and
/// serializable: the analytics grain owns one and saves it now and then. Old hourly buckets are
/// dropped after <see cref="HourRetention"/>, SKU days after <see cref="SkuDayRetention"/>.
/// </summary>
[GenerateSerializer, Alias("SalesFigures")]
public sealed class SalesFigures
{
    public static readonly TimeSpan HourRetention = TimeSpan.FromDays(62);
    public const int SkuDayRetention = 180;
    public const int DayRetention = 800;

    [Id(0)] public Dictionary<DateTimeOffset, Totals> Hours { get; set; } = new();
    [Id(1)] public Dictionary<DateOnly, Totals> Days { get; set; } = new();
    [Id(2)] public Dictionary<DateOnly, Dictionary<string, SkuTotals>> SkuDays { get; set; } = new();
    [Id(3)] public int Counted { get; set; }
    [Id(4)] public TimeSpan Offset { get; set; }

    /// <summary>The local day retention was last applied: once a day is enough, not once a receipt.</summary>
    [Id(5)] public DateOnly CompactedOn { get; set; }

    [GenerateSerializer, Alias("SalesTotals")]
    public sealed class Totals
    {
        [Id(0)] public int Receipts { get; set; }
        [Id(1)] public decimal Units { get; set; }
        [Id(2)] public decimal SellRevenue { get; set; }
        [Id(3)] public int Refunds { get; set; }
        [Id(4)] public decimal RefundAmount { get; set; }

        public void Add(ReceiptDocument receipt, bool refund, decimal units)
        {
            if (refund)
            {
                Refunds++;
                RefundAmount += receipt.Total;
                Units -= units;
            }
            else
            {
                Receipts++;
                SellRevenue += receipt.Total;
                Units += units;
            }
        }

        public void Add(Totals other)
        {
            Receipts += other.Receipts;
            Units += other.Units;
            SellRevenue += other.SellRevenue;
            Refunds += other.Refunds;
            RefundAmount += other.RefundAmount;
        }

        public SalesBucket ToBucket(DateTimeOffset start) => new(start, Receipts, Units, SellRevenue - RefundAmount, Refunds, RefundAmount,
            Receipts == 0 ? 0 : Money.RoundToKopecks(SellRevenue / Receipts));
    }

    [GenerateSerializer, Alias("SkuTotals")]
    public sealed class SkuTotals
    {
        [Id(0)] public decimal Units { get; set; }
        [Id(1)] public decimal Revenue { get; set; }
    }

    /// <summary>Counts one fiscalized receipt; its date time carries the store's offset.</summary>
    public void Add(ReceiptDocument receipt)
    {
        // A receipt document names its operation by the API name only (ATOL's spelling is translated on the way in).
        var refund = receipt.Operation == FiscalOperation.SellRefund.ToApiName();
        var local = receipt.DateTime;
        Offset = local.Offset;
        var hour = new DateTimeOffset(local.Year, local.Month, local.Day, local.Hour, 0, 0, local.Offset);
        var day = DateOnly.FromDateTime(local.DateTime);
        var units = receipt.Items.Sum(i => i.Quantity);
        Bucket(Hours, hour).Add(receipt, refund, units);
        Bucket(Days, day).Add(receipt, refund, units);
        if (!SkuDays.TryGetValue(day, out var skus))
            SkuDays[day] = skus = new Dictionary<string, SkuTotals>(StringComparer.Ordinal);
        var sign = refund ? -1 : 1;
        // A web shop's line that matched no SKU counts in the receipt's revenue, not under a SKU.
        foreach (var item in receipt.Items.Where(i => i.Sku != ""))
        {
            if (!skus.TryGetValue(item.Sku, out var totals))
                skus[item.Sku] = totals = new SkuTotals();
            totals.Units += sign * item.Quantity;
            totals.Revenue += sign * item.Sum;
        }
        Counted++;
        if (day > CompactedOn)
        {
            Compact(local);
            CompactedOn = day;
        }
    }

    private static Totals Bucket<TKey>(Dictionary<TKey, Totals> buckets, TKey key) where TKey : notnull
    {
        if (!buckets.TryGetValue(key, out var totals))
            buckets[key] = totals = new Totals();
        return totals;
    }

    private void Compact(DateTimeOffset now)
    {
        var today = DateOnly.FromDateTime(now.DateTime);
        foreach (var old in Hours.Keys.Where(h => h < now - HourRetention).ToList())
            Hours.Remove(old);
        foreach (var old in SkuDays.Keys.Where(d => d < today.AddDays(-SkuDayRetention)).ToList())
            SkuDays.Remove(old);
        foreach (var old in Days.Keys.Where(d => d < today.AddDays(-DayRetention)).ToList())
            Days.Remove(old);
    }

    public IReadOnlyList<SalesBucket> Sales(DateTimeOffset from, DateTimeOffset to, BucketSize size) => size == BucketSize.Hour
        ? Hours.Where(h => h.Key >= from && h.Key < to).OrderBy(h => h.Key).Select(h => h.Value.ToBucket(h.Key)).ToList()
        : Days.Select(d => (Start: new DateTimeOffset(d.Key.ToDateTime(TimeOnly.MinValue), Offset), d.Value))
            .Where(d => d.Start >= from && d.Start < to).OrderBy(d => d.Start).Select(d => d.Value.ToBucket(d.Start)).ToList();

    public IEnumerable<(string Sku, decimal Units, decimal Revenue)> SkuTotalsBetween(DateTimeOffset from, DateTimeOffset to) =>
        SkuDays.Where(d => InRange(d.Key, from, to))
            .SelectMany(d => d.Value)
            .GroupBy(s => s.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, g.Sum(s => s.Value.Units), g.Sum(s => s.Value.Revenue)));

    /// <summary>A local day counts when it overlaps [from, to).</summary>
    private bool InRange(DateOnly day, DateTimeOffset from, DateTimeOffset to)
    {
        var start = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), Offset);
        return start < to && start.AddDays(1) > from;
    }

    public IReadOnlyList<TopSku> Top(DateTimeOffset from, DateTimeOffset to, bool byUnits, int limit) =>
        SkuTotalsBetween(from, to)
            .OrderByDescending(s => byUnits ? s.Units : s.Revenue).ThenBy(s => s.Sku, StringComparer.Ordinal)
            .Take(limit).Select(s => new TopSku(s.Sku, s.Units, s.Revenue)).ToList();

    /// <summary>ABC by revenue: A up to 80% of the cumulative share, B up to 95%, C the rest.</summary>
    public IReadOnlyList<AbcEntry> Abc(DateTimeOffset from, DateTimeOffset to)
    {
        var skus = SkuTotalsBetween(from, to).Where(s => s.Revenue > 0)
            .OrderByDescending(s => s.Revenue).ThenBy(s => s.Sku, StringComparer.Ordinal).ToList();
        var total = skus.Sum(s => s.Revenue);
        var entries = new List<AbcEntry>(skus.Count);
        var cumulative = 0m;
        foreach (var (sku, _, revenue) in skus)
        {
            var share = revenue / total;
            cumulative += share;
            // The class is set by the cumulative share including the SKU; the top seller is A even when it alone passes 80%.
            var cls = cumulative <= 0.80m || entries.Count == 0 ? "A" : cumulative <= 0.95m ? "B" : "C";
            entries.Add(new AbcEntry(sku, revenue, Math.Round(share, 4), cls));
        }
        return entries;
    }

    /// <summary>Average net revenue per weekday and its index against the average day (1 = average).</summary>
    public IReadOnlyList<WeekdayShare> Weekdays()
    {
        if (Days.Count == 0)
            return [];
        var overall = Days.Values.Average(d => d.SellRevenue - d.RefundAmount);
        return Days.GroupBy(d => d.Key.DayOfWeek).OrderBy(g => ((int)g.Key + 6) % 7)
            .Select(g =>
            {
                var average = g.Average(d => d.Value.SellRevenue - d.Value.RefundAmount);
                return new WeekdayShare(g.Key, Money.RoundToKopecks(average), overall == 0 ? 0 : Math.Round(average / overall, 3));
            }).ToList();
    }

    /// <summary>
    /// Each SKU's (or only one's) daily units up to a day, from its first sale in the window: days before a
    /// SKU was first sold are not demand of zero, they are no history.
    /// </summary>
    public IReadOnlyList<DailyDemand> Demand(DateOnly until, int days, string? only = null)
    {
        var first = until.AddDays(-days + 1);
        var window = SkuDays.Where(d => d.Key >= first && d.Key <= until).OrderBy(d => d.Key).ToList();
        var firstSale = new Dictionary<string, DateOnly>(StringComparer.Ordinal);
        foreach (var (day, skus) in window)
            foreach (var sku in skus.Keys)
                if (only is null || sku == only)
                    firstSale.TryAdd(sku, day);
        return firstSale.Select(s => new DailyDemand(s.Key, s.Value, Enumerable.Range(0, until.DayNumber - s.Value.DayNumber + 1)
            .Select(i => SkuDays.TryGetValue(s.Value.AddDays(i), out var day) && day.TryGetValue(s.Key, out var t) ? t.Units : 0m)
            .ToList())).ToList();
    }
}
