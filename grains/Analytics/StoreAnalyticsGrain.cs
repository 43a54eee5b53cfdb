using System.Text.Json;
using Microsoft.Extensions.Logging;
using Orleans.Streams;
using Orleans.Streams.Core;
using Retail.Common;
using Retail.Registers;

namespace Retail.Analytics;

[GenerateSerializer, Alias("StoreAnalyticsState")]
public sealed class StoreAnalyticsState
{
    [Id(0)] public SalesFigures Figures { get; set; } = new();

    /// <summary>Left by the time-based catch-up this state replaced (event id -> fiscal time); read once on the move to <see cref="Checkpoints"/>, then empty.</summary>
    [Id(1)] public Dictionary<string, DateTimeOffset> Counted { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Left by the time-based catch-up: receipts journaled before this moment less ten minutes were counted. Default once moved to <see cref="Checkpoints"/>.</summary>
    [Id(2)] public DateTimeOffset CaughtUpTo { get; set; }

    /// <summary>Per register, the journal sequence through which its receipts are in <see cref="Figures"/>; saved with them, so a receipt is counted once.</summary>
    [Id(3)] public Dictionary<string, long> Checkpoints { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>
/// A store's sales figures, checkpointed by journal position: per register, the sequence through which
/// its receipts are counted. The <c>receipts</c> stream is the fast path; a stream event at the
/// checkpoint or before is a repeat, one further on than the next means the stream lost some, and
/// they are read from that register's journal. On activation and on a timer the grain also reads
/// the store's receipts after all checkpoints, which finds what the stream lost with nothing after it,
/// and registers it has never heard of.
/// </summary>
[ImplicitStreamSubscription(RegisterGrain.ReceiptsStream)]
public sealed class StoreAnalyticsGrain(
    [PersistentState("store-analytics", StorageNames.Analytics)] IPersistentState<StoreAnalyticsState> state,
    IRegisterJournal journal,
    ILogger<StoreAnalyticsGrain> logger) : Grain, IStoreAnalyticsGrain, IStreamSubscriptionObserver, IAsyncObserver<ReceiptFiscalized>
{
    /// <summary>How often the grain reads the journal for receipts the stream lost, and saves.</summary>
    public static readonly TimeSpan CatchUpPeriod = TimeSpan.FromSeconds(10);

    /// <summary>The time-based catch-up's allowance for receipts still in flight, for reading its state.</summary>
    private static readonly TimeSpan LegacyInFlight = TimeSpan.FromMinutes(10);

    private const int SaveEvery = 50;
    private const int ReadLimit = 500;
    private int unsaved;

    private string StoreId => GrainKeys.Id(this.GetPrimaryKeyString());

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await CatchUpAsync();
        this.RegisterGrainTimer(CatchUpAndSaveAsync, new GrainTimerCreationOptions(CatchUpPeriod, CatchUpPeriod));
    }

    public static string EventId(ReceiptDocument receipt) => $"{receipt.FnSerial}:{receipt.FiscalDocumentNumber}";

    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory) =>
        await handleFactory.Create<ReceiptFiscalized>().ResumeAsync(this);

    public async Task OnNextAsync(ReceiptFiscalized item, StreamSequenceToken? token = null)
    {
        var registerId = item.Receipt.RegisterId;
        var checkpoint = Checkpoint(registerId);
        if (item.JournalSequence == 0)
            // A publisher older than the sequence: only the journal can say whether this one is new.
            await CatchUpAsync();
        else if (item.JournalSequence == checkpoint + 1)
            Count(registerId, item.JournalSequence, item.Receipt);
        else if (item.JournalSequence > checkpoint)
            await CatchUpRegisterAsync(registerId, item.JournalSequence);
        if (unsaved >= SaveEvery)
            await SaveAsync();
    }

    public Task OnCompletedAsync() => Task.CompletedTask;

    public Task OnErrorAsync(Exception ex) => Task.CompletedTask;

    private long Checkpoint(string registerId) => state.State.Checkpoints.GetValueOrDefault(registerId);

    /// <summary>The store's receipts after every register's checkpoint, including registers not seen yet.</summary>
    private async Task CatchUpAsync()
    {
        var caughtUp = 0;
        IReadOnlyList<JournalEntry> entries;
        do
        {
            entries = await journal.ReadStoreReceiptsAfterAsync(StoreId, state.State.Checkpoints, ReadLimit);
            foreach (var entry in entries)
                if (CountJournaled(entry))
                    caughtUp++;
        }
        while (entries.Count >= ReadLimit);
        if (state.State.CaughtUpTo != default)
        {
            state.State.Counted.Clear();
            state.State.CaughtUpTo = default;
            unsaved++;
        }
        if (caughtUp > 0)
            logger.LogInformation("Analytics of {StoreId}: caught up {Count} receipts from the journal", StoreId, caughtUp);
    }

    /// <summary>One register's journal from its checkpoint through <paramref name="through"/>: the receipts a stream gap hid.</summary>
    private async Task CatchUpRegisterAsync(string registerId, long through)
    {
        while (Checkpoint(registerId) is var from && from < through)
        {
            foreach (var entry in await journal.ReadAfterAsync(registerId, from, (int)Math.Min(ReadLimit, through - from)))
                if (entry.Sequence <= through)
                    CountJournaled(entry);
            if (Checkpoint(registerId) == from)
                return;
        }
    }

    /// <summary>Counts a journal entry if it is a receipt after its register's checkpoint; any entry read moves the checkpoint.</summary>
    private bool CountJournaled(JournalEntry entry)
    {
        if (entry.Sequence <= Checkpoint(entry.RegisterId))
            return false;
        if (entry.Kind != JournalKinds.Receipt)
        {
            Advance(entry.RegisterId, entry.Sequence);
            return false;
        }
        var receipt = JsonSerializer.Deserialize<JournaledReceipt>(entry.Document, RegisterGrain.Json)!.Receipt;
        if (CountedByTimeBasedCatchUp(entry, receipt))
        {
            Advance(entry.RegisterId, entry.Sequence);
            return false;
        }
        Count(entry.RegisterId, entry.Sequence, receipt);
        return true;
    }

    /// <summary>Only while moving a state saved before checkpoints existed: what that state says it counted.</summary>
    private bool CountedByTimeBasedCatchUp(JournalEntry entry, ReceiptDocument receipt) =>
        state.State.CaughtUpTo != default
        && (entry.RecordedAt <= state.State.CaughtUpTo - LegacyInFlight || state.State.Counted.ContainsKey(EventId(receipt)));

    private void Count(string registerId, long sequence, ReceiptDocument receipt)
    {
        state.State.Figures.Add(receipt);
        Advance(registerId, sequence);
    }

    private void Advance(string registerId, long sequence)
    {
        state.State.Checkpoints[registerId] = sequence;
        unsaved++;
    }

    private async Task CatchUpAndSaveAsync(CancellationToken cancellationToken)
    {
        await CatchUpAsync();
        if (unsaved > 0)
            await SaveAsync();
    }

    /// <summary>Figures and checkpoints in one write: a crash before it recounts from the saved checkpoints, never twice.</summary>
    private async Task SaveAsync()
    {
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

    public Task<DailyDemand?> SkuDemandAsync(string sku, DateOnly until, int days) =>
        Task.FromResult(state.State.Figures.Demand(until, days, sku).FirstOrDefault());

    public Task<int> CountedReceiptsAsync() => Task.FromResult(state.State.Figures.Counted);
}

/// <summary>The chain's figures, summed over its stores' analytics grains on request.</summary>
public sealed class ChainAnalyticsGrain : Grain, IChainAnalyticsGrain
{
    private async Task<IStoreAnalyticsGrain[]> StoresAsync() =>
        (await GrainFactory.Get<Catalog.IChainGrain>(GrainKeys.Chain).StoreIdsAsync())
            .Select(id => GrainFactory.Get<IStoreAnalyticsGrain>(GrainKeys.Store(id))).ToArray();

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
