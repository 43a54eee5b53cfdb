using Retail.Common;
using Retail.Ledger;
using Retail.Stock;
using Retail.Tests.Cluster;

namespace Retail.Tests.Stock;

[Collection(TwoSiloCollection.Name)]
public sealed class StockGrainClusterTests(TwoSiloCluster fixture)
{
    private static string NewStore() => $"s{Guid.NewGuid():N}"[..12];

    [Fact]
    public async Task Rows_staged_by_a_silo_declared_dead_stop_holding_up_their_pair_long_before_the_fifteen_second_lookup()
    {
        var store = NewStore();
        var stock = fixture.Grains.GetGrain<IStockGrain>(GrainKeys.Stock(store, "milk"));
        Assert.Null((await stock.ApplyAsync(new StockMovement("in", MovementType.GoodsReceipt, 10m))).Error);
        // Six receipts' lines staged by registers on a silo that then died before committing (the live silo's endpoint
        // with an older generation is what membership says of a killed silo that started again). Settled one a tick,
        // they would hold the pair for twelve seconds; they go in one.
        var live = fixture.Cluster.Primary!.SiloAddress;
        var dead = SiloAddress.New(live.Endpoint, live.Generation - 1);
        var orphans = new List<StagedMovement>();
        for (var i = 1; i <= 6; i++)
            orphans.Add(Assert.Single(await stock.StageAsync([new StockMovement($"orphan-{i}", MovementType.Sale, 1m)], dead)).Staged!);
        var first = orphans[0];

        // The next movement of the pair waits behind the orphans until they are settled from the ledger (not there:
        // fenced, left out). Ten seconds is well past the silo's death (already declared) and the settling tick's
        // two, and short of the fifteen after which an unsettled row is looked up anyway.
        var next = await Eventually.Until(() => stock.ApplyAsync(new StockMovement("out", MovementType.WriteOff, 1m)), r => r.Error is null, seconds: 10);
        // A commit of the orphan that was still on its way when the head was fenced can never land.
        var late = await TwoSiloCluster.SharedCommits.CommitAsync(LedgerCommit.Of([first]));

        Assert.Null(next.Error);
        Assert.Equal((9m, 2L), (next.Value!.OnHandAfter, next.Value.Version));
        Assert.Equal(CommitOutcome.StockConflict, late.Outcome);
        foreach (var orphan in orphans)
            Assert.Null(await TwoSiloCluster.SharedLedger.FindAsync(store, "milk", orphan.Record.MovementId));
        Assert.Equal(9m, (await stock.GetAsync()).OnHand);
    }

    [Fact]
    public async Task A_documents_rows_given_up_together_leave_the_rows_above_them_as_they_fit_without_any_of_them()
    {
        var store = NewStore();
        var stock = fixture.Grains.GetGrain<IStockGrain>(GrainKeys.Stock(store, "milk"));
        Assert.Null((await stock.ApplyAsync(new StockMovement("in", MovementType.GoodsReceipt, 5m))).Error);
        var live = fixture.Cluster.Primary!.SiloAddress;
        // A receipt takes 3 back and sells 5 (5 + 3 - 5 = 3 left); an order reserves those 3 on top of it.
        var receipt = await stock.StageAsync([new StockMovement("refund", MovementType.SaleRefund, 3m), new StockMovement("sale", MovementType.Sale, 5m)], live);
        var order = Assert.Single(await stock.StageAsync([new StockMovement("reserve", MovementType.Reserve, 3m)], live)).Staged!;

        // The receipt's commit failed: both its rows go in one settlement. Taken out one at a time from the bottom, the
        // refund alone would leave the sale on 5 (0 left) and refuse the reservation, which fits once both are gone.
        await stock.SettleAsync(receipt.Select(r => new SettledMovement(r.Staged!.Record.MovementId, r.Staged.Token, Settlement.Failed)).ToList());
        var restaged = Assert.Single(await stock.RestageAsync(["reserve"]));
        var commit = await TwoSiloCluster.SharedCommits.CommitAsync(LedgerCommit.Of([restaged.Staged!]));
        await stock.SettleAsync([new SettledMovement("reserve", restaged.Staged!.Token, Settlement.Committed)]);

        Assert.NotEqual(order.Token, restaged.Staged.Token);
        Assert.Null(restaged.Error);
        Assert.Equal(CommitOutcome.Committed, commit.Outcome);
        Assert.Equal((5m, 3m, 2L), ((await stock.GetAsync()).OnHand, (await stock.GetAsync()).Reserved, (await stock.GetAsync()).Version));
    }

    [Fact]
    public async Task A_row_a_retry_took_over_from_a_dead_silo_is_the_retrys_to_commit_not_fenced()
    {
        var store = NewStore();
        var stock = fixture.Grains.GetGrain<IStockGrain>(GrainKeys.Stock(store, "milk"));
        Assert.Null((await stock.ApplyAsync(new StockMovement("in", MovementType.GoodsReceipt, 10m))).Error);
        var live = fixture.Cluster.Primary!.SiloAddress;
        var dead = SiloAddress.New(live.Endpoint, live.Generation - 1);
        var line = new StockMovement("receipt-line", MovementType.Sale, 3m);
        // Staged by the register on the silo that died; its retry, the register active again on a live silo, stages it again.
        var orphan = Assert.Single(await stock.StageAsync([line], dead)).Staged!;
        var retried = Assert.Single(await stock.StageAsync([line], live)).Staged!;

        // Past a settling tick (2 s), which would fence a row whose committer is dead; the row is the live retry's now.
        await Task.Delay(TimeSpan.FromSeconds(3));
        var commit = await TwoSiloCluster.SharedCommits.CommitAsync(LedgerCommit.Of([retried]));
        await stock.SettleAsync([new SettledMovement(line.Id, retried.Token, Settlement.Committed)]);

        Assert.Equal(orphan.Token, retried.Token);
        Assert.Equal(CommitOutcome.Committed, commit.Outcome);
        Assert.Equal((7m, 2L), ((await stock.GetAsync()).OnHand, (await stock.GetAsync()).Version));
        Assert.NotNull(await TwoSiloCluster.SharedLedger.FindAsync(store, "milk", line.Id));
    }

    [Fact]
    public async Task Fifty_concurrent_callers_of_a_hundred_movements_end_at_the_exact_balance()
    {
        var store = NewStore();
        const int callers = 50, perCaller = 100;

        await Task.WhenAll(Enumerable.Range(0, callers).Select(caller => Task.Run(async () =>
        {
            // Each caller has its own reference, as separate tills and API nodes would.
            var stock = fixture.Grains.GetGrain<IStockGrain>(GrainKeys.Stock(store, "hot-sku"));
            for (var i = 0; i < perCaller; i++)
            {
                var movement = i % 2 == 0
                    ? new StockMovement($"{caller}-{i}", MovementType.GoodsReceipt, 2.5m)
                    : new StockMovement($"{caller}-{i}", MovementType.Sale, 1.125m);
                var result = await stock.ApplyAsync(movement);
                Assert.Null(result.Error);
            }
        })));

        var level = await fixture.Grains.GetGrain<IStockGrain>(GrainKeys.Stock(store, "hot-sku")).GetAsync();
        Assert.Equal(callers * perCaller / 2 * (2.5m - 1.125m), level.OnHand);
        Assert.Equal(callers * perCaller, level.Version);
        var ledger = (await TwoSiloCluster.SharedLedger.ReadHistoryAsync(store, "hot-sku", 100_000, null)).Reverse().ToList();
        Assert.Equal(callers * perCaller, ledger.Count);
        Assert.Equal(Enumerable.Range(1, callers * perCaller).Select(v => (long)v), ledger.Select(r => r.Version));
    }

    [Fact]
    public async Task Copies_of_one_movement_racing_each_other_apply_once_and_all_get_the_first_result()
    {
        var store = NewStore();
        var movement = new StockMovement("receipt-42/1", MovementType.Sale, 3);

        var results = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(() =>
            fixture.Grains.GetGrain<IStockGrain>(GrainKeys.Stock(store, "milk")).ApplyAsync(movement))));

        Assert.All(results, r => Assert.Null(r.Error));
        Assert.Single(results, r => !r.Replayed);
        Assert.All(results, r => Assert.Equal(results[0].Value, r.Value));
        var level = await fixture.Grains.GetGrain<IStockGrain>(GrainKeys.Stock(store, "milk")).GetAsync();
        Assert.Equal((-3m, 1L), (level.OnHand, level.Version));
    }

    [Fact]
    public async Task Concurrent_reservations_never_oversell_and_exactly_the_available_quantity_is_reserved()
    {
        var stock = fixture.Grains.GetGrain<IStockGrain>(GrainKeys.Stock(NewStore(), "last-units"));
        await stock.ApplyAsync(new StockMovement("in", MovementType.GoodsReceipt, 20));

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => Task.Run(() =>
            fixture.Grains.GetGrain<IStockGrain>(GrainKeys.Stock(stock.GetPrimaryKeyString().Split('/')[0], "last-units"))
                .ApplyAsync(new StockMovement($"order-{i}", MovementType.Reserve, 1)))));

        Assert.Equal(20, results.Count(r => r.Error is null));
        Assert.Equal(30, results.Count(r => r.Error?.Code == ErrorCodes.InsufficientStock));
        var level = await stock.GetAsync();
        Assert.Equal((20m, 20m, 0m, 21L), (level.OnHand, level.Reserved, level.Available, level.Version));
    }

    [Fact]
    public async Task A_replayed_id_changes_nothing_and_another_body_is_a_conflict()
    {
        var stock = fixture.Grains.GetGrain<IStockGrain>(GrainKeys.Stock(NewStore(), "milk"));
        await stock.ApplyAsync(new StockMovement("in", MovementType.GoodsReceipt, 10));
        var first = await stock.ApplyAsync(new StockMovement("w", MovementType.WriteOff, 4, "damaged"));

        var again = await stock.ApplyAsync(new StockMovement("w", MovementType.WriteOff, 4, "damaged"));
        var other = await stock.ApplyAsync(new StockMovement("w", MovementType.WriteOff, 5, "damaged"));

        Assert.True(again.Replayed);
        Assert.Equal(first.Value, again.Value);
        Assert.Equal(ErrorCodes.IdempotencyConflict, other.Error!.Code);
        Assert.Equal(6, (await stock.GetAsync()).OnHand);
        Assert.Equal(2, (await stock.GetAsync()).Version);
    }

    [Fact]
    public async Task A_replay_older_than_the_idempotency_window_is_still_applied_once()
    {
        var stock = fixture.Grains.GetGrain<IStockGrain>(GrainKeys.Stock(NewStore(), "bread"));
        for (var i = 0; i < 300; i++)
            await stock.ApplyAsync(new StockMovement($"sale-{i}", MovementType.Sale, 1));

        var replay = await stock.ApplyAsync(new StockMovement("sale-0", MovementType.Sale, 1));

        Assert.True(replay.Replayed);
        Assert.Equal(1, replay.Value!.Version);
        Assert.Equal((-300m, 300L), ((await stock.GetAsync()).OnHand, (await stock.GetAsync()).Version));
    }

    [Fact]
    public async Task Store_and_chain_views_follow_every_change()
    {
        var (storeA, storeB) = (NewStore(), NewStore());
        await fixture.Grains.GetGrain<IStockGrain>(GrainKeys.Stock(storeA, "tea")).ApplyAsync(new StockMovement("a", MovementType.GoodsReceipt, 5));
        await fixture.Grains.GetGrain<IStockGrain>(GrainKeys.Stock(storeB, "tea")).ApplyAsync(new StockMovement("b", MovementType.GoodsReceipt, 7));
        await fixture.Grains.GetGrain<IStockGrain>(GrainKeys.Stock(storeB, "tea")).ApplyAsync(new StockMovement("c", MovementType.Sale, 2));

        // The views are fed by one-way messages: wait until they have arrived.
        var chain = fixture.Grains.GetGrain<ISkuStockGrain>(GrainKeys.Sku("tea"));
        var levels = await Eventually.Until(
            async () => (await chain.ListAsync()).Where(l => l.StoreId == storeA || l.StoreId == storeB).ToList(),
            l => l.Sum(x => x.OnHand) == 10);
        Assert.Equal(10, levels.Sum(l => l.OnHand));
        var storeView = await Eventually.Until(
            () => fixture.Grains.GetGrain<IStoreStockGrain>(GrainKeys.Store(storeB)).ListAsync(),
            l => l.Count == 1 && l[0].Version == 2);
        Assert.Equal(5, Assert.Single(storeView).OnHand);
    }
}
