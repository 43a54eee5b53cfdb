using Retail.Orleans.Common;

namespace Retail.Orleans.Registers.Fiscal;

/// <summary>
/// The fiscal device as an emulated drive: <see cref="FiscalDrive"/> over a state this object
/// holds. The owner persists <see cref="State"/> after each successful command and passes it back
/// in on activation. Time comes from the <see cref="TimeProvider"/>; the drive's identity is
/// derived from the register id and <c>identitySeed</c>, so registering again yields the same drive.
/// Not thread-safe: one command at a time, as a grain calls it.
/// </summary>
public sealed class EmulatedFiscalDevice(FiscalDriveState? state, TimeProvider time, string identitySeed) : IFiscalDevice
{
    public FiscalDriveState? State { get; private set; } = state;

    public Task<(RegistrationReport? Report, DomainError? Error)> RegisterAsync(FiscalRegistration registration, CancellationToken cancellationToken = default)
    {
        if (State is not null)
            return Task.FromResult<(RegistrationReport?, DomainError?)>(
                (null, FiscalErrors.InvalidState($"This device is already registered for register {State.RegisterId}.")));
        if (!Identifiers.IsValidKey(registration.RegisterId))
            return Task.FromResult<(RegistrationReport?, DomainError?)>(
                (null, FiscalErrors.ValidationFailed("registerId", "A register id is 1 to 128 letters, digits or ._:- characters.")));
        var (next, report, error) = FiscalDrive.Register(
            registration, FiscalDriveIdentity.Emulated(registration.RegisterId, identitySeed), time.GetUtcNow());
        if (next is not null)
            State = next;
        return Task.FromResult<(RegistrationReport?, DomainError?)>((report, error));
    }

    public Task<(ShiftOpenReport? Report, DomainError? Error)> OpenShiftAsync(Cashier cashier, CancellationToken cancellationToken = default) =>
        Run(s => FiscalDrive.OpenShift(s, cashier, time.GetUtcNow()));

    public Task<(ShiftCloseReport? Report, DomainError? Error)> CloseShiftAsync(Cashier? cashier, CancellationToken cancellationToken = default) =>
        Run(s => FiscalDrive.CloseShift(s, cashier, time.GetUtcNow()));

    public Task<(FiscalReceipt? Receipt, DomainError? Error)> FiscalizeAsync(ReceiptRequest receipt, CancellationToken cancellationToken = default) =>
        Run(s => FiscalDrive.Fiscalize(s, receipt, time.GetUtcNow()));

    public Task<(FiscalReceipt? Receipt, DomainError? Error)> FiscalizeCorrectionAsync(CorrectionRequest correction, CancellationToken cancellationToken = default) =>
        Run(s => FiscalDrive.FiscalizeCorrection(s, correction, time.GetUtcNow()));

    public Task<(StateReport? Report, DomainError? Error)> ReportStateAsync(CancellationToken cancellationToken = default) =>
        Run(s => FiscalDrive.ReportState(s, time.GetUtcNow()));

    public Task<(OfdConfirmation? Confirmation, DomainError? Error)> ConfirmAsync(long upToFiscalDocumentNumber, CancellationToken cancellationToken = default) =>
        Run(s => FiscalDrive.Confirm(s, upToFiscalDocumentNumber, time.GetUtcNow()));

    public Task<(OfdConfirmation? Confirmation, DomainError? Error)> ConfirmAsync(IReadOnlyCollection<long> fiscalDocumentNumbers, CancellationToken cancellationToken = default) =>
        Run(s => FiscalDrive.Confirm(s, fiscalDocumentNumbers, time.GetUtcNow()));

    public Task<FiscalDriveStatus?> GetStatusAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(State is null ? null : FiscalDrive.Status(State, time.GetUtcNow()));

    private Task<(T?, DomainError?)> Run<T>(Func<FiscalDriveState, (FiscalDriveState State, T? Result, DomainError? Error)> command)
        where T : class
    {
        if (State is null)
            return Task.FromResult<(T?, DomainError?)>((null, FiscalErrors.InvalidState("The fiscal drive is not registered yet.")));
        var (next, result, error) = command(State);
        State = next;
        return Task.FromResult<(T?, DomainError?)>((result, error));
    }
}
