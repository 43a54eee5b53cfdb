using Retail.Common;

namespace Retail.Registers;

/// <summary>A register no cashier stands at (a web shop's, an online order's): it runs its shifts itself, as a cloud register does.</summary>
public static class OnlineRegisters
{
    public static readonly CashierInfo Cashier = new("Online store", null);

    /// <summary>Fiscalizes the receipt, opening the shift when none is open and closing and reopening one past 24 hours.</summary>
    public static async Task<Outcome<ReceiptDocument>> FiscalizeAsync(IRegisterGrain register, ReceiptInput input)
    {
        var result = await register.FiscalizeAsync(input);
        if (result.Error?.Code == ErrorCodes.ShiftExpired)
            await register.CloseShiftAsync(Cashier);
        if (result.Error?.Code is ErrorCodes.ShiftNotOpen or ErrorCodes.ShiftExpired)
        {
            await register.OpenShiftAsync(Cashier);
            result = await register.FiscalizeAsync(input);
        }
        return result;
    }
}
