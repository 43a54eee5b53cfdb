using Retail.Orleans.Common;

namespace Retail.Orleans.Registers;

[GenerateSerializer, Alias("MarkingCodeState")]
public sealed class MarkingCodeState
{
    /// <summary>The receipt that sold the unit; null while it is in stock (never sold, or returned).</summary>
    [Id(0)] public string? SoldBy { get; set; }
    [Id(1)] public int Returns { get; set; }
}

/// <summary>
/// One marked unit (tag 1163): in_stock -> sold -> returned (in stock again). Selling a sold unit is
/// what the OISM refuses (answer 2109 = 2); here that is <c>marking_code_already_sold</c>.
/// </summary>
public sealed class MarkingCodeGrain(
    [PersistentState("marking", StorageNames.Catalog)] IPersistentState<MarkingCodeState> unit) : Grain, IMarkingCodeGrain
{
    public async Task<DomainError?> SellAsync(string receiptKey)
    {
        if (unit.State.SoldBy == receiptKey)
            return null;
        if (unit.State.SoldBy is not null)
            return new DomainError(ErrorCodes.MarkingCodeAlreadySold, "This marked unit has already been sold.", "markingCode");
        unit.State.SoldBy = receiptKey;
        await unit.WriteStateAsync();
        return null;
    }

    public async Task CancelSaleAsync(string receiptKey)
    {
        if (unit.State.SoldBy != receiptKey)
            return;
        unit.State.SoldBy = null;
        await unit.WriteStateAsync();
    }

    public async Task ReturnAsync(string receiptKey)
    {
        if (unit.State.SoldBy is null)
            return;
        unit.State.SoldBy = null;
        unit.State.Returns++;
        await unit.WriteStateAsync();
    }

    public Task<string> StatusAsync() =>
        Task.FromResult(unit.State.SoldBy is not null ? "sold" : unit.State.Returns > 0 ? "returned" : "in_stock");
}
