using System.Diagnostics.Metrics;
using System.Text.Json;
using Retail.Ledger;

namespace Retail.Stock;

/// <summary>Stock instruments on the <c>Retail</c> meter.</summary>
public static class StockMetrics
{
    private static readonly Counter<long> Movements = LedgerMetrics.Meter.CreateCounter<long>(
        "retail.stock.movements", "{movement}", "Stock movements applied, by type");

    /// <summary>The same words as the API's JSON (<c>goodsReceipt</c>, <c>writeOff</c>), computed once.</summary>
    private static readonly Dictionary<MovementType, string> TypeNames = Enum.GetValues<MovementType>()
        .ToDictionary(type => type, type => JsonNamingPolicy.CamelCase.ConvertName(type.ToString()));

    /// <summary>Pairs of this silo whose onHand is below zero, by store.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string StoreId, string Sku), byte> Negative = new();

    private static readonly ObservableGauge<int> NegativePairs = LedgerMetrics.Meter.CreateObservableGauge(
        "retail.stock.negative_pairs",
        () => Negative.Keys.GroupBy(k => k.StoreId).Select(g => new Measurement<int>(g.Count(), new KeyValuePair<string, object?>("store", g.Key))),
        "{pair}", "Store and SKU pairs with negative onHand, active on this silo");

    public static void Applied(StockMovementRecord record)
    {
        Movements.Add(1, new KeyValuePair<string, object?>("type", TypeNames[record.Type]));
        Observe(record.LevelAfter);
    }

    public static void Observe(StockLevel level)
    {
        if (level.OnHand < 0)
            Negative.TryAdd((level.StoreId, level.Sku), 0);
        else
            Negative.TryRemove((level.StoreId, level.Sku), out _);
    }

    public static void Deactivated(StockLevel level) => Negative.TryRemove((level.StoreId, level.Sku), out _);
}
