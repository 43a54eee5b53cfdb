using Retail.Common;

namespace Retail.Registers.Fiscal;

/// <summary>Parsing of the codes' API names where ATOL Online spells some of them its own way.</summary>
public static class FiscalNames
{
    /// <summary>Accepts the API spelling (<c>sellRefund</c>) and ATOL's (<c>sell_refund</c>).</summary>
    public static bool TryParseOperation(string? name, out FiscalOperation operation) => name switch
    {
        "sell_refund" => Parsed(FiscalOperation.SellRefund, out operation),
        "buy_refund" => Parsed(FiscalOperation.BuyRefund, out operation),
        _ => ApiNames.TryParseApiName(name, out operation),
    };

    private static bool Parsed(FiscalOperation value, out FiscalOperation operation)
    {
        operation = value;
        return true;
    }
}
