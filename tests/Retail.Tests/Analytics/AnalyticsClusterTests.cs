using Retail.Analytics;
using Retail.Common;
using Retail.Registers;
using Retail.Tests.Cluster;
using Retail.Tests.Registers;

namespace Retail.Tests.Analytics;

[Collection(TwoSiloCollection.Name)]
public sealed class AnalyticsClusterTests(TwoSiloCluster fixture)
{
    [Fact]
    public async Task Store_and_chain_figures_equal_the_sum_of_the_fiscalized_receipts()
    {
        var random = new Random(20261127);
        var stores = new[]
        {
            await new RegisterScenario(fixture.Grains).WithStoreAsync("Europe/Moscow"),
            await new RegisterScenario(fixture.Grains).WithStoreAsync("Asia/Vladivostok"),
            await new RegisterScenario(fixture.Grains).WithStoreAsync("Europe/Kaliningrad"),
        };
        var skus = new[] { $"an-a-{Guid.NewGuid():N}"[..12], $"an-b-{Guid.NewGuid():N}"[..12] };
        foreach (var sku in skus)
            await stores[0].DefineSkuAsync(sku, 100);
        var fiscalized = new List<ReceiptDocument>();
        foreach (var store in stores)
        {
            var register = await store.OpenRegisterAsync();
            for (var i = 0; i < 40; i++)
            {
                var refund = i % 7 == 6;
                var quantity = random.Next(1, 4000) / 1000m;
                var price = random.Next(100, 99999) / 100m;
                var outcome = await register.FiscalizeAsync(RegisterScenario.Sale($"a{i}", skus[i % 2], quantity, price, refund ? "sellRefund" : "sell"));
                Assert.Null(outcome.Error);
                fiscalized.Add(outcome.Value!);
            }
        }
        var from = fiscalized.Min(r => r.DateTime).AddDays(-1);
        var to = fiscalized.Max(r => r.DateTime).AddDays(1);

        foreach (var store in stores)
        {
            var mine = fiscalized.Where(r => r.StoreId == store.StoreId).ToList();
            var analytics = fixture.Grains.GetGrain<IStoreAnalyticsGrain>(GrainKeys.Store(store.StoreId));
            await Eventually.Until(analytics.CountedReceiptsAsync, n => n == mine.Count);
            var days = await analytics.SalesAsync(from, to, BucketSize.Day);
            var hours = await analytics.SalesAsync(from, to, BucketSize.Hour);

            var sells = mine.Where(r => r.Operation == "sell").ToList();
            var refunds = mine.Where(r => r.Operation == "sellRefund").ToList();
            var expectedRevenue = sells.Sum(r => r.Total) - refunds.Sum(r => r.Total);
            Assert.Equal(expectedRevenue, days.Sum(d => d.Revenue));
            Assert.Equal(expectedRevenue, hours.Sum(h => h.Revenue));
            Assert.Equal(sells.Count, days.Sum(d => d.Receipts));
            Assert.Equal(refunds.Count, days.Sum(d => d.Refunds));
            Assert.Equal(sells.Sum(r => r.Items.Sum(i => i.Quantity)) - refunds.Sum(r => r.Items.Sum(i => i.Quantity)), days.Sum(d => d.Units));
            // Buckets start on the store's local hour.
            Assert.All(hours, h => Assert.Equal((0, 0, mine[0].DateTime.Offset), (h.Start.Minute, h.Start.Second, h.Start.Offset)));
            var top = await analytics.TopAsync(from, to, byUnits: false, limit: 10);
            Assert.Equal(expectedRevenue, top.Sum(t => t.Revenue));
        }

        var chain = await fixture.Grains.GetGrain<IChainAnalyticsGrain>(GrainKeys.Chain).SalesAsync(from, to, BucketSize.Hour);
        var chainTop = await fixture.Grains.GetGrain<IChainAnalyticsGrain>(GrainKeys.Chain).TopAsync(from, to, byUnits: true, limit: 100);
        var all = fiscalized.Sum(r => r.Operation == "sell" ? r.Total : -r.Total);
        // Other tests' stores are in the chain too; ours are a part of it.
        Assert.True(chain.Sum(b => b.Revenue) >= all);
        Assert.Equal(fiscalized.Sum(r => r.Operation == "sell" ? r.Items[0].Quantity : -r.Items[0].Quantity),
            chainTop.Where(t => skus.Contains(t.Sku)).Sum(t => t.Units));
    }

    [Fact]
    public async Task A_receipt_delivered_twice_is_counted_once()
    {
        var store = await new RegisterScenario(fixture.Grains).WithStoreAsync();
        var sku = $"dup-{Guid.NewGuid():N}"[..12];
        await store.DefineSkuAsync(sku);
        var register = await store.OpenRegisterAsync();
        var receipt = (await register.FiscalizeAsync(RegisterScenario.Sale("once", sku, 1, 100))).Value!;
        var analytics = fixture.Grains.GetGrain<IStoreAnalyticsGrain>(GrainKeys.Store(store.StoreId));
        await Eventually.Until(analytics.CountedReceiptsAsync, n => n == 1);

        var stream = fixture.Cluster.Client.GetStreamProvider(Hosting.RetailSilo.StreamProvider)
            .GetStream<ReceiptFiscalized>(StreamId.Create(RegisterGrain.ReceiptsStream, GrainKeys.Store(store.StoreId)));
        await stream.OnNextAsync(new ReceiptFiscalized(StoreAnalyticsGrain.EventId(receipt), receipt));
        Assert.Null((await register.FiscalizeAsync(RegisterScenario.Sale("twice", sku, 1, 100))).Error);
        await Eventually.Until(analytics.CountedReceiptsAsync, n => n == 2);

        var day = await analytics.SalesAsync(receipt.DateTime.AddDays(-1), receipt.DateTime.AddDays(1), BucketSize.Day);
        Assert.Equal((2, 200m), (day.Sum(d => d.Receipts), day.Sum(d => d.Revenue)));
    }
}
