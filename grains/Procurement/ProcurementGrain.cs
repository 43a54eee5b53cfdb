using System.Text.Json;
using Retail.Analytics;
using Retail.Catalog;
using Retail.Common;
using Retail.Documents;
using Retail.Integrations;
using Retail.Registers;
using Retail.Stock;

namespace Retail.Procurement;

/// <summary>
/// A store's replenishment: forecasts each SKU's daily demand from the store's sales, sets reorder
/// points on the store's stock view (so <c>stock.low</c> fires when a pair falls below), and suggests
/// what to order. Recomputed on request and hourly while active.
/// </summary>
public sealed class ProcurementGrain(TimeProvider clock) : Grain, IProcurementGrain
{
    /// <summary>Eight weeks: enough weekly seasons to smooth, recent enough to follow changes.</summary>
    public const int HistoryDays = 56;

    private string StoreId => GrainKeys.Id(this.GetPrimaryKeyString());

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        this.RegisterGrainTimer(async _ => await SuggestionsAsync(), new GrainTimerCreationOptions(TimeSpan.FromHours(1), TimeSpan.FromHours(1)));
        return Task.CompletedTask;
    }

    public async Task<IReadOnlyList<Suggestion>> SuggestionsAsync()
    {
        var store = await GrainFactory.Get<IStoreGrain>(GrainKeys.Store(StoreId)).GetAsync();
        if (store is null)
            return [];
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), TimeZoneInfo.FindSystemTimeZoneById(store.TimeZone)).DateTime);
        var demand = (await GrainFactory.Get<IStoreAnalyticsGrain>(GrainKeys.Store(StoreId)).DemandAsync(today.AddDays(-1), HistoryDays))
            .ToDictionary(d => d.Sku, StringComparer.Ordinal);
        var stockView = GrainFactory.Get<IStoreStockGrain>(GrainKeys.Store(StoreId));
        var levels = (await stockView.ListAsync()).ToDictionary(l => l.Sku, StringComparer.Ordinal);

        var suggestions = new List<Suggestion>();
        var reorderPoints = new Dictionary<string, decimal>(StringComparer.Ordinal);
        var codes = demand.Keys.Union(levels.Keys).Order(StringComparer.Ordinal).ToList();
        // One round of SKU reads for the store, side by side, not one after another.
        var definitions = await Task.WhenAll(codes.Select(code => GrainFactory.Get<ISkuGrain>(GrainKeys.Sku(code)).GetAsync()));
        foreach (var (sku, definition) in codes.Zip(definitions))
        {
            if (definition is null || definition.Kind is SkuKind.Service or SkuKind.Dish)
                continue;
            var level = levels.GetValueOrDefault(sku) ?? StockLevel.Empty(StoreId, sku);
            var history = demand.GetValueOrDefault(sku);
            var forecast = history is null ? null : DemandForecast.Fit(history.Units, history.FirstDay);
            var terms = definition.Supply ?? new SupplyTerms();
            var plan = Replenishment.Plan(forecast?.DailyAverage(terms.LeadTimeDays) ?? 0, forecast?.Sigma ?? 0,
                level.Available, level.Incoming, terms, today);
            if (plan.ReorderPoint > 0)
                reorderPoints[sku] = plan.ReorderPoint;
            suggestions.Add(new Suggestion(sku, level.Available, level.Incoming, plan.DailyDemand, plan.SafetyStock,
                plan.ReorderPoint, plan.SuggestedQuantity, plan.DaysOfCover, plan.StockoutDate));
        }
        await stockView.SetReorderPointsAsync(reorderPoints);
        return suggestions;
    }

    public async Task<Outcome<PurchaseOrderView>> DraftPurchaseOrderAsync(string purchaseOrderId, string supplier)
    {
        var lines = (await SuggestionsAsync()).Where(s => s.SuggestedQuantity > 0)
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
