using Retail.Common;

namespace Retail.Registers.Fiscal;

/// <summary>
/// The named refusals of the fiscal domain, with the API's stable codes (<see cref="ErrorCodes"/>). A refused
/// input is a plain <see cref="DomainError"/> whose field is the JSON path of the offending input ("items[2].quantity").
/// </summary>
public static class FiscalErrors
{
    public static DomainError PaymentMismatch(string detail) => new(ErrorCodes.PaymentMismatch, detail, "payments");

    public static DomainError ShiftNotOpen() => new(ErrorCodes.ShiftNotOpen, "No shift is open on this register.");

    public static DomainError ShiftAlreadyOpen(int shiftNumber) =>
        new(ErrorCodes.ShiftAlreadyOpen, $"Shift {shiftNumber} is already open; close it first.");

    public static DomainError ShiftExpired(int shiftNumber, DateTimeOffset openedAt) =>
        new(ErrorCodes.ShiftExpired, $"Shift {shiftNumber} was opened at {openedAt:O} and has run for more than 24 hours; close it first.");

    public static DomainError OfdBlocked(long firstUnconfirmed, DateTimeOffset since) =>
        new(ErrorCodes.OfdBlocked, $"Fiscal document {firstUnconfirmed} of {since:O} has waited more than 30 days for the OFD; deliver the backlog first.");

    public static DomainError InvalidState(string detail) => new(ErrorCodes.InvalidState, detail);
}
