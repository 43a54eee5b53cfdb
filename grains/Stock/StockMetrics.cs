using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text.Json;
using Retail.Ledger;

namespace Retail.Stock;

/// <summary>Stock instruments on the <c>Retail</c> meter.</summary>
public sealed class StockMetrics
{
    /// <summary>The same words as the API's JSON (<c>goodsReceipt</c>, <c>writeOff</c>), computed once.</summary>
    private static readonly Dictionary<MovementType, string> TypeNames = Enum.GetValues<MovementType>()
        .ToDictionary(type => type, type => JsonNamingPolicy.CamelCase.ConvertName(type.ToString()));

    private readonly Counter<long> movements;

    /// <summary>Pairs of this silo whose onHand is below zero, by store.</summary>
    private readonly ConcurrentDictionary<(string StoreId, string Sku), byte> negative = new();

    public StockMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(LedgerMetrics.MeterName);
        movements = meter.CreateCounter<long>("retail.stock.movements", "{movement}", "Stock movements applied, by type");
        meter.CreateObservableGauge(
            "retail.stock.negative_pairs",
            () => negative.Keys.GroupBy(k => k.StoreId).Select(g => new Measurement<int>(g.Count(), new KeyValuePair<string, object?>("store", g.Key))),
            "{pair}", "Store and SKU pairs with negative onHand, active on this silo");
    }

    public void Applied(StockMovementRecord record)
    {
        movements.Add(1, new KeyValuePair<string, object?>("type", TypeNames[record.Type]));
        Observe(record.LevelAfter);
    }

    public void Observe(StockLevel level)
    {
        if (level.OnHand < 0)
            negative.TryAdd((level.StoreId, level.Sku), 0);
        else
            negative.TryRemove((level.StoreId, level.Sku), out _);
    }

    public void Deactivated(StockLevel level) => negative.TryRemove((level.StoreId, level.Sku), out _);
}
