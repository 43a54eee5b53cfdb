using Retail.Common;

namespace Retail.Registers;

[GenerateSerializer, Alias("MarkingCodeState")]
public sealed class MarkingCodeState
{
    /// <summary>The receipt that sold the unit; null while it is in stock (never sold, or returned).</summary>
    [Id(0)] public string? SoldBy { get; set; }
    [Id(1)] public int Returns { get; set; }

    /// <summary>When the sale or return that set the status happened; an older one reported later does not undo it.</summary>
    [Id(2)] public DateTimeOffset? ChangedAt { get; set; }
}

/// <summary>
/// One marked unit (tag 1163): in_stock -> sold -> returned (in stock again). Selling a sold unit is
/// what the OISM refuses (answer 2109 = 2); here that is <c>marking_code_already_sold</c>. Sales a
/// physical drive already signed are recorded instead, in the order they happened.
/// </summary>
public sealed class MarkingCodeGrain(
    [PersistentState("marking", StorageNames.Registers)] IPersistentState<MarkingCodeState> unit,
    TimeProvider clock) : Grain, IMarkingCodeGrain
{
    private static readonly TimeSpan HoldFor = TimeSpan.FromMinutes(1);
    private (string ReceiptKey, DateTimeOffset Until)? hold;

    public Task<DomainError?> HoldAsync(string receiptKey)
    {
        if (unit.State.SoldBy == receiptKey)
            return Task.FromResult<DomainError?>(null);
        if (unit.State.SoldBy is not null)
            return Task.FromResult<DomainError?>(AlreadySold());
        var now = clock.GetUtcNow();
        if (hold is { } held && held.ReceiptKey != receiptKey && held.Until > now)
            return Task.FromResult<DomainError?>(new DomainError(ErrorCodes.MarkingCodeAlreadySold,
                "This marked unit is being sold on another receipt right now.", "markingCode"));
        hold = (receiptKey, now + HoldFor);
        return Task.FromResult<DomainError?>(null);
    }

    public async Task<DomainError?> SellAsync(string receiptKey)
    {
        if (hold?.ReceiptKey == receiptKey)
            hold = null;
        if (unit.State.SoldBy == receiptKey)
            return null;
        if (unit.State.SoldBy is not null)
            return AlreadySold();
        unit.State.SoldBy = receiptKey;
        unit.State.ChangedAt = clock.GetUtcNow();
        await unit.WriteStateAsync();
        return null;
    }

    public Task CancelSaleAsync(string receiptKey)
    {
        if (hold?.ReceiptKey == receiptKey)
            hold = null;
        return Task.CompletedTask;
    }

    private static DomainError AlreadySold() =>
        new(ErrorCodes.MarkingCodeAlreadySold, "This marked unit has already been sold.", "markingCode");

    public async Task ReturnAsync(string receiptKey)
    {
        if (unit.State.SoldBy is null)
            return;
        unit.State.SoldBy = null;
        unit.State.Returns++;
        unit.State.ChangedAt = clock.GetUtcNow();
        await unit.WriteStateAsync();
    }

    public async Task<bool> RecordSaleAsync(string receiptKey, DateTimeOffset fiscalizedAt)
    {
        if (unit.State.SoldBy == receiptKey || IsOlderThanStatus(fiscalizedAt))
            return false;
        var soldTwice = unit.State.SoldBy is not null;
        unit.State.SoldBy = receiptKey;
        unit.State.ChangedAt = fiscalizedAt;
        await unit.WriteStateAsync();
        return soldTwice;
    }

    public async Task RecordReturnAsync(string receiptKey, DateTimeOffset fiscalizedAt)
    {
        if (IsOlderThanStatus(fiscalizedAt) || (unit.State.SoldBy is null && unit.State.ChangedAt == fiscalizedAt))
            return;
        // A refund that arrives before its sale still returns the unit: the sale, older, will not undo it.
        unit.State.SoldBy = null;
        unit.State.Returns++;
        unit.State.ChangedAt = fiscalizedAt;
        await unit.WriteStateAsync();
    }

    public Task<string> StatusAsync() =>
        Task.FromResult(unit.State.SoldBy is not null ? "sold" : unit.State.Returns > 0 ? "returned" : "in_stock");

    private bool IsOlderThanStatus(DateTimeOffset at) => unit.State.ChangedAt is { } changed && at < changed;
}
