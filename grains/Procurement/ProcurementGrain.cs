using System.Text.Json;
using Microsoft.Extensions.Logging;
using Retail.Analytics;
using Retail.Catalog;
using Retail.Common;
using Retail.Documents;
using Retail.Integrations;
using Retail.Registers;
using Retail.Stock;

namespace Retail.Procurement;

/// <summary>
/// A store's replenishment: forecasts each SKU's daily demand from the store's sales and suggests what to
/// order; reading the suggestions changes nothing. The reorder points they imply are set on the store's stock
/// view (so <c>stock.low</c> fires when a pair falls below) by an hourly reminder, and when a purchase order is
/// drafted from them. The reminder is registered when the store is defined, and made sure of on every
/// activation, so a store defined before there was one gets it too.
/// </summary>
public sealed class ProcurementGrain(TimeProvider clock, ILogger<ProcurementGrain> logger) : Grain, IProcurementGrain, IRemindable
{
    /// <summary>Eight weeks: enough weekly seasons to smooth, recent enough to follow changes.</summary>
    public const int HistoryDays = 56;

    public const string RefreshReminder = "reorder-points";
    public static readonly TimeSpan RefreshEvery = TimeSpan.FromHours(1);

    private bool scheduled;

    private string StoreId => GrainKeys.Id(this.GetPrimaryKeyString());

    private IStoreStockGrain StockView => GrainFactory.Get<IStoreStockGrain>(GrainKeys.Store(StoreId));

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        try
        {
            await ScheduleRefreshAsync();
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            logger.LogWarning(error, "Procurement {StoreId}: reorder point refresh not scheduled; the next activation or store define tries again", StoreId);
        }
    }

    public async Task ScheduleRefreshAsync()
    {
        if (scheduled)
            return;
        // The first tick one to two hours on (a new store has sold nothing yet), at a point of the hour set by
        // the key's hash: a chain's stores defined together do not all refresh at once.
        if (await this.GetReminder(RefreshReminder) is null)
            await this.RegisterOrUpdateReminder(RefreshReminder, RefreshEvery * (1 + this.GetGrainId().GetUniformHashCode() / (double)uint.MaxValue), RefreshEvery);
        scheduled = true;
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != RefreshReminder)
            return;
        scheduled = true;
        if (await PlanAsync() is { } plan)
            await StockView.SetReorderPointsAsync(plan.ReorderPoints);
        else if (await this.GetReminder(RefreshReminder) is { } reminder)
        {
            // No such store: nothing to refresh until it is defined, which schedules the refresh again.
            await this.UnregisterReminder(reminder);
            scheduled = false;
        }
    }

    public async Task<IReadOnlyList<Suggestion>> SuggestionsAsync() => (await PlanAsync())?.Suggestions ?? [];

    /// <summary>Today's plan from the store's sales, stock and SKU terms; null when the store is not defined.</summary>
    private async Task<StorePlan?> PlanAsync()
    {
        var store = await GrainFactory.Get<IStoreGrain>(GrainKeys.Store(StoreId)).GetAsync();
        if (store is null)
            return null;
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), TimeZoneInfo.FindSystemTimeZoneById(store.TimeZone)).DateTime);
        var demand = await GrainFactory.Get<IStoreAnalyticsGrain>(GrainKeys.Store(StoreId)).DemandAsync(today.AddDays(-1), HistoryDays);
        var levels = await StockView.ListAsync();
        var codes = demand.Select(d => d.Sku).Union(levels.Select(l => l.Sku), StringComparer.Ordinal).ToList();
        // One round of SKU reads for the store, side by side, not one after another.
        var skus = await Task.WhenAll(codes.Select(code => GrainFactory.Get<ISkuGrain>(GrainKeys.Sku(code)).GetAsync()));
        return Replenishment.ForStore(StoreId, skus.OfType<Sku>(), demand, levels, today);
    }

    public async Task<Outcome<PurchaseOrderView>> DraftPurchaseOrderAsync(string purchaseOrderId, string supplier)
    {
        var plan = await PlanAsync();
        if (plan is not null)
            await StockView.SetReorderPointsAsync(plan.ReorderPoints);
        var lines = (plan?.Suggestions ?? []).Where(s => s.SuggestedQuantity > 0)
            .Select(s => new PurchaseOrderLine(s.Sku, s.SuggestedQuantity)).ToList();
        if (lines.Count == 0)
            return new DomainError(ErrorCodes.InvalidState, "Nothing is below its reorder point: there is nothing to order.");
        var drafted = await GrainFactory.Get<IPurchaseOrderGrain>(GrainKeys.PurchaseOrder(purchaseOrderId))
            .CreateAsync(StoreId, supplier, lines, draft: true);
        if (drafted is { Value: { } order, Replayed: false })
            await GrainFactory.Get<IWebhookFeedGrain>(IWebhookFeedGrain.Key).AnnounceEventAsync(new DocumentEvent(
                $"po:{order.Id}:suggested", WebhookEventTypes.PurchaseOrderSuggested, order.CreatedAt, StoreId,
                JsonSerializer.Serialize(order, RegisterGrain.Json)));
        return drafted;
    }
}
