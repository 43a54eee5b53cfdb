using System.Text.Json;
using Microsoft.Extensions.Logging;
using Orleans.Streams;
using Orleans.Streams.Core;
using Retail.Orleans.Common;
using Retail.Orleans.Registers;

namespace Retail.Orleans.Analytics;

[GenerateSerializer, Alias("StoreAnalyticsState")]
public sealed class StoreAnalyticsState
{
    [Id(0)] public SalesFigures Figures { get; set; } = new();

    /// <summary>Receipts counted recently (event id -> fiscal time): a replayed or caught-up receipt is not counted again.</summary>
    [Id(1)] public Dictionary<string, DateTimeOffset> Counted { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Everything journaled before this moment (less <see cref="StoreAnalyticsGrain.InFlight"/>) is in <see cref="Figures"/>.</summary>
    [Id(2)] public DateTimeOffset CaughtUpTo { get; set; }
}

/// <summary>
/// A store's sales figures. The <c>receipts</c> stream is the fast path; because a memory stream can
/// drop messages in a crash, on activation the grain also reads the store's receipts journaled since
/// its last save, and every receipt is counted once by its event id (FN serial and FD number).
/// </summary>
[ImplicitStreamSubscription(RegisterGrain.ReceiptsStream)]
public sealed class StoreAnalyticsGrain(
    [PersistentState("store-analytics", StorageNames.Analytics)] IPersistentState<StoreAnalyticsState> state,
    IRegisterJournal journal,
    TimeProvider clock,
    ILogger<StoreAnalyticsGrain> logger) : Grain, IStoreAnalyticsGrain, IStreamSubscriptionObserver, IAsyncObserver<ReceiptFiscalized>
{
    /// <summary>How late a journaled receipt may still arrive on the stream; catch-up starts this far before the last save.</summary>
    public static readonly TimeSpan InFlight = TimeSpan.FromMinutes(10);

    private const int SaveEvery = 50;
    private int unsaved;

    private string StoreId => GrainKeys.Id(this.GetPrimaryKeyString());

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var since = state.State.CaughtUpTo == default ? DateTimeOffset.UnixEpoch : state.State.CaughtUpTo - InFlight;
        var caughtUp = 0;
        foreach (var entry in await journal.ReadStoreReceiptsAsync(StoreId, since))
        {
            var receipt = JsonSerializer.Deserialize<JournaledReceipt>(entry.Document, RegisterGrain.Json)!.Receipt;
            if (Count(EventId(receipt), receipt))
                caughtUp++;
        }
        if (caughtUp > 0)
            logger.LogInformation("Analytics of {StoreId}: caught up {Count} receipts from the journal", StoreId, caughtUp);
        this.RegisterGrainTimer(SaveIfDirtyAsync, new GrainTimerCreationOptions(TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30)));
    }

    public static string EventId(ReceiptDocument receipt) => $"{receipt.FnSerial}:{receipt.FiscalDocumentNumber}";

    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        await handleFactory.Create<ReceiptFiscalized>().ResumeAsync(this);

    public async Task OnNextAsync(ReceiptFiscalized item, StreamSequenceToken? token = null)
    {
        if (Count(item.EventId, item.Receipt) && ++unsaved >= SaveEvery)
            await SaveAsync();
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;

    private bool Count(string eventId, ReceiptDocument receipt)
    {
        if (!state.State.Counted.TryAdd(eventId, receipt.DateTime))
            return false;
        state.State.Figures.Add(receipt);
        return true;
    }

    private async Task SaveIfDirtyAsync(CancellationToken cancellationToken)
    {
        if (unsaved > 0)
            await SaveAsync();
    }

    private async Task SaveAsync()
    {
        var now = clock.GetUtcNow();
        // Keep the ids a catch-up from this save could meet again; older ones can no longer recur.
        foreach (var old in state.State.Counted.Where(c => c.Value < now - 4 * InFlight).Select(c => c.Key).ToList())
            state.State.Counted.Remove(old);
        state.State.CaughtUpTo = now;
        await state.WriteStateAsync();
        unsaved = 0;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (unsaved > 0)
            await SaveAsync();
    }

    public Task<IReadOnlyList<SalesBucket>> SalesAsync(DateTimeOffset from, DateTimeOffset to, BucketSize bucket) =>
        Task.FromResult(state.State.Figures.Sales(from, to, bucket));

    public Task<IReadOnlyList<TopSku>> TopAsync(DateTimeOffset from, DateTimeOffset to, bool byUnits, int limit) =>
        Task.FromResult(state.State.Figures.Top(from, to, byUnits, limit));

    public Task<IReadOnlyList<AbcEntry>> AbcAsync(DateTimeOffset from, DateTimeOffset to) =>
        Task.FromResult(state.State.Figures.Abc(from, to));

    public Task<IReadOnlyList<WeekdayShare>> WeekdaysAsync() => Task.FromResult(state.State.Figures.Weekdays());

    public Task<IReadOnlyList<DailyDemand>> DemandAsync(DateOnly until, int days) => Task.FromResult(state.State.Figures.Demand(until, days));

    public Task<int> CountedReceiptsAsync() => Task.FromResult(state.State.Figures.Counted);
}

/// <summary>The chain's figures, summed over its stores' analytics grains on request.</summary>
public sealed class ChainAnalyticsGrain : Grain, IChainAnalyticsGrain
{
    private async Task<IStoreAnalyticsGrain[]> StoresAsync() =>
        (await GrainFactory.GetGrain<Catalog.IChainGrain>("chain").StoreIdsAsync())
            .Select(id => GrainFactory.GetGrain<IStoreAnalyticsGrain>(GrainKeys.Store(id))).ToArray();

    public async Task<IReadOnlyList<SalesBucket>> SalesAsync(DateTimeOffset from, DateTimeOffset to, BucketSize bucket)
    {
        var perStore = await Task.WhenAll((await StoresAsync()).Select(s => s.SalesAsync(from, to, bucket)));
        // Hours line up as instants; days as local calendar days, whatever each store's zone.
        return perStore.SelectMany(b => b)
            .GroupBy(b => bucket == BucketSize.Hour ? b.Start.ToUniversalTime() : new DateTimeOffset(b.Start.Date, TimeSpan.Zero))
            .OrderBy(g => g.Key)
            .Select(g =>
            {
                var receipts = g.Sum(b => b.Receipts);
                var sell = g.Sum(b => b.Revenue + b.RefundAmount);
                return new SalesBucket(g.Key, receipts, g.Sum(b => b.Units), g.Sum(b => b.Revenue), g.Sum(b => b.Refunds),
                    g.Sum(b => b.RefundAmount), receipts == 0 ? 0 : Money.RoundToKopecks(sell / receipts));
            }).ToList();
    }

    public async Task<IReadOnlyList<TopSku>> TopAsync(DateTimeOffset from, DateTimeOffset to, bool byUnits, int limit)
    {
        var perStore = await Task.WhenAll((await StoresAsync()).Select(s => s.TopAsync(from, to, byUnits, int.MaxValue)));
        return perStore.SelectMany(t => t).GroupBy(t => t.Sku, StringComparer.Ordinal)
            .Select(g => new TopSku(g.Key, g.Sum(t => t.Units), g.Sum(t => t.Revenue)))
            .OrderByDescending(t => byUnits ? t.Units : t.Revenue).ThenBy(t => t.Sku, StringComparer.Ordinal)
            .Take(limit).ToList();
    }
}
