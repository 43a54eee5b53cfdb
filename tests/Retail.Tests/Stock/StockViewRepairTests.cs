using Retail.Common;
using Retail.Ledger;
using Retail.Stock;
using Retail.Tests.Cluster;

namespace Retail.Tests.Stock;

/// <summary>The store and chain views follow the ledger even when a change notice never reaches them.</summary>
[Collection(TwoSiloCollection.Name)]
public sealed class StockViewRepairTests(TwoSiloCluster fixture)
{
    [Fact]
    public async Task A_view_that_missed_a_notice_is_exact_again_within_seconds_without_the_pair_moving()
    {
        var store = $"s{Guid.NewGuid():N}"[..12];
        var sku = $"k{Guid.NewGuid():N}"[..12];
        Assert.Null((await fixture.Grains.GetGrain<IStockGrain>(GrainKeys.Stock(store, sku)).ApplyAsync(
            new StockMovement("in-1", MovementType.GoodsReceipt, 10))).Error);
        var storeView = fixture.Grains.GetGrain<IStoreStockGrain>(GrainKeys.Store(store));
        var chainView = fixture.Grains.GetGrain<ISkuStockGrain>(GrainKeys.Sku(sku));
        await Eventually.Until(() => storeView.ListAsync(), levels => levels.Any(l => l.Version == 1));
        await Eventually.Until(() => chainView.ListAsync(), levels => levels.Any(l => l.Version == 1));

        // A change that reaches the ledger while its notice is lost (the notifying silo died right after the commit).
        var head = (await TwoSiloCluster.SharedLedger.ReadHeadAsync(store, sku))!;
        var lost = new StockChain(head.Level, head.Token).Stage(new StockMovement("wo-1", MovementType.WriteOff, 3, "damaged"), DateTimeOffset.UtcNow).Row!;
        Assert.True((await TwoSiloCluster.SharedCommits.CommitAsync(LedgerCommit.Of([lost]))).IsCommitted);

        var repaired = await Eventually.Until(() => storeView.ListAsync(), levels => levels.Any(l => l.Sku == sku && l.Version == 2), seconds: 20);
        var chain = await Eventually.Until(() => chainView.ListAsync(), levels => levels.Any(l => l.StoreId == store && l.Version == 2), seconds: 20);

        Assert.Equal(7m, repaired.Single(l => l.Sku == sku).OnHand);
        Assert.Equal(7m, chain.Single(l => l.StoreId == store).OnHand);
        Assert.NotNull(await storeView.ReconciledAtAsync());
    }
}
