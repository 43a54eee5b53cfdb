using Retail.Orleans.Common;

namespace Retail.Orleans.Registers.Fiscal;

/// <summary>
/// What a register grain asks of a fiscal device: the emulated drive today, a real driver or a
/// cloud fiscalization service tomorrow. Refusals come back as values with stable codes; an
/// exception means the device itself failed (unreachable, broken), not that it said no.
/// </summary>
public interface IFiscalDevice
{
    Task<(RegistrationReport? Report, DomainError? Error)> RegisterAsync(FiscalRegistration registration, CancellationToken cancellationToken = default);

    Task<(ShiftOpenReport? Report, DomainError? Error)> OpenShiftAsync(Cashier cashier, CancellationToken cancellationToken = default);

    Task<(ShiftCloseReport? Report, DomainError? Error)> CloseShiftAsync(Cashier? cashier, CancellationToken cancellationToken = default);

    Task<(FiscalReceipt? Receipt, DomainError? Error)> FiscalizeAsync(ReceiptRequest receipt, CancellationToken cancellationToken = default);

    Task<(FiscalReceipt? Receipt, DomainError? Error)> FiscalizeCorrectionAsync(CorrectionRequest correction, CancellationToken cancellationToken = default);

    Task<(StateReport? Report, DomainError? Error)> ReportStateAsync(CancellationToken cancellationToken = default);

    /// <summary>The OFD acknowledged every document up to and including this FD number.</summary>
    Task<(OfdConfirmation? Confirmation, DomainError? Error)> ConfirmAsync(long upToFiscalDocumentNumber, CancellationToken cancellationToken = default);

    /// <summary>The OFD acknowledged these documents, in any order.</summary>
    Task<(OfdConfirmation? Confirmation, DomainError? Error)> ConfirmAsync(IReadOnlyCollection<long> fiscalDocumentNumbers, CancellationToken cancellationToken = default);

    /// <summary>Counters, shift and OFD backlog now; null before registration.</summary>
    Task<FiscalDriveStatus?> GetStatusAsync(CancellationToken cancellationToken = default);
}
