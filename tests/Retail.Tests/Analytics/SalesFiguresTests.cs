using Retail.Analytics;
using Retail.Registers;

namespace Retail.Tests.Analytics;

public sealed class SalesFiguresTests
{
    private static int fd;

    public static ReceiptDocument Receipt(DateTimeOffset at, string operation, params (string Sku, decimal Quantity, decimal Sum)[] lines) => new(
        $"r{++fd}", "till", "store", operation, fd, 1, fd, 1, "1234567890123456", "0000000000000001", at,
        lines.Sum(l => l.Sum), [], "", lines.Select(l => new ReceiptLineView(l.Sku, l.Sku, l.Quantity, l.Sum / l.Quantity, l.Sum, "vat22", 0, null)).ToList(),
        [new PaymentView("cash", lines.Sum(l => l.Sum))], 0, null);

    [Fact]
    public void Hours_and_days_follow_the_stores_local_time_across_midnight()
    {
        var vladivostok = TimeSpan.FromHours(10);
        var figures = new SalesFigures();
        // 23:30 and 00:30 local are different days, though both fall on one UTC day (13:30 and 14:30 UTC).
        figures.Add(Receipt(new DateTimeOffset(2026, 3, 9, 23, 30, 0, vladivostok), "sell", ("tea", 2, 300)));
        figures.Add(Receipt(new DateTimeOffset(2026, 3, 10, 0, 30, 0, vladivostok), "sell", ("tea", 1, 150), ("cake", 1, 250)));
        figures.Add(Receipt(new DateTimeOffset(2026, 3, 10, 0, 45, 0, vladivostok), "sellRefund", ("tea", 1, 150)));

        var days = figures.Sales(new DateTimeOffset(2026, 3, 9, 0, 0, 0, vladivostok), new DateTimeOffset(2026, 3, 11, 0, 0, 0, vladivostok), BucketSize.Day);
        var hours = figures.Sales(new DateTimeOffset(2026, 3, 9, 0, 0, 0, vladivostok), new DateTimeOffset(2026, 3, 11, 0, 0, 0, vladivostok), BucketSize.Hour);

        Assert.Equal([new DateTimeOffset(2026, 3, 9, 0, 0, 0, vladivostok), new DateTimeOffset(2026, 3, 10, 0, 0, 0, vladivostok)], days.Select(d => d.Start));
        Assert.Equal(new SalesBucket(days[1].Start, 1, 1, 250, 1, 150, 400), days[1]);
        Assert.Equal(new SalesBucket(days[0].Start, 1, 2, 300, 0, 0, 300), days[0]);
        Assert.Equal([23, 0], hours.Select(h => h.Start.Hour));
        Assert.Equal(550m, days.Sum(d => d.Revenue));
    }

    [Fact]
    public void Top_and_abc_rank_skus_by_net_revenue()
    {
        var figures = new SalesFigures();
        var at = new DateTimeOffset(2026, 4, 1, 12, 0, 0, TimeSpan.FromHours(3));
        figures.Add(Receipt(at, "sell", ("a", 1, 700), ("b", 10, 150), ("c", 3, 90), ("d", 1, 60)));
        figures.Add(Receipt(at, "sellRefund", ("b", 2, 30)));

        var top = figures.Top(at.AddDays(-1), at.AddDays(1), byUnits: false, limit: 2);
        var byUnits = figures.Top(at.AddDays(-1), at.AddDays(1), byUnits: true, limit: 1);
        var abc = figures.Abc(at.AddDays(-1), at.AddDays(1));

        Assert.Equal([("a", 700m), ("b", 120m)], top.Select(t => (t.Sku, t.Revenue)));
        Assert.Equal(("b", 8m), (byUnits[0].Sku, byUnits[0].Units));
        // Shares of 970: 0.722 / 0.124 / 0.093 / 0.062, cumulative 0.722 / 0.845 / 0.938 / 1.
        Assert.Equal(["A", "B", "B", "C"], abc.Select(e => e.Class));
        Assert.Equal(1m, Math.Round(abc.Sum(e => e.Share), 2));
    }

    [Fact]
    public void Old_hours_are_compacted_while_days_remain()
    {
        var figures = new SalesFigures();
        var start = new DateTimeOffset(2026, 1, 1, 10, 0, 0, TimeSpan.FromHours(3));
        figures.Add(Receipt(start, "sell", ("a", 1, 100)));
        figures.Add(Receipt(start.AddDays(70), "sell", ("a", 1, 100)));

        Assert.Single(figures.Hours);
        Assert.Equal(2, figures.Days.Count);
    }
}
