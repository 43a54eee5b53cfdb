using System.Diagnostics.Metrics;
using System.Text.Json;
using Retail.Orleans.Ledger;

namespace Retail.Orleans.Stock;

/// <summary>Stock instruments on the <c>Retail</c> meter.</summary>
public static class StockMetrics
{
    private static readonly Counter<long> Movements = LedgerMetrics.Meter.CreateCounter<long>(
        "retail.stock.movements", "{movement}", "Stock movements applied, by type");

    /// <summary>The same words as the API's JSON (<c>goodsReceipt</c>, <c>writeOff</c>), computed once.</summary>
    private static readonly Dictionary<MovementType, string> TypeNames = Enum.GetValues<MovementType>()
        .ToDictionary(type => type, type => JsonNamingPolicy.CamelCase.ConvertName(type.ToString()));

    public static void Applied(StockMovementRecord record) =>
        Movements.Add(1, new KeyValuePair<string, object?>("type", TypeNames[record.Type]));
}
