using System.Collections.Immutable;

namespace Retail.Registers.Fiscal;

/// <summary>
/// Everything the emulated drive remembers, persisted with the register. Changed only by
/// <see cref="FiscalDrive"/>; every counter survives restarts and failover because it lives here.
/// </summary>
[GenerateSerializer, Immutable, Alias("FiscalDriveState")]
public sealed record FiscalDriveState(
    [property: Id(0)] string RegisterId,
    [property: Id(1)] FiscalDriveIdentity Identity,
    [property: Id(2)] string UserInn,
    [property: Id(3)] TaxationSystem TaxationSystems,
    [property: Id(4)] string TimeZoneId,
    [property: Id(5)] long LastFiscalDocumentNumber,
    [property: Id(6)] DateTimeOffset LastDocumentAt,
    [property: Id(7)] Shift? Shift,
    [property: Id(8), System.Text.Json.Serialization.JsonConverter(typeof(OfdOutboxJson))] ImmutableArray<OfdOutboxEntry> OfdOutbox)
{
    /// <summary>Tag 1038 of the latest shift; 0 before the first one.</summary>
    public int ShiftNumber => Shift?.Number ?? 0;

    public bool ShiftIsOpen => Shift is { IsOpen: true };
}

/// <summary>
/// The latest shift, open or closed: number (1038), when it opened, receipts so far (the last
/// tag 1042 issued, shared by receipts and correction receipts), documents so far (1111), totals.
/// </summary>
[GenerateSerializer, Immutable, Alias("FiscalShift")]
public sealed record Shift(
    [property: Id(0)] int Number,
    [property: Id(1)] DateTimeOffset OpenedAt,
    [property: Id(2)] DateTimeOffset? ClosedAt,
    [property: Id(3)] int ReceiptCount,
    [property: Id(4)] int DocumentCount,
    [property: Id(5)] ShiftTotals Totals,
    [property: Id(6)] Cashier Cashier)
{
    public bool IsOpen => ClosedAt is null;
}

/// <summary>A document not yet acknowledged by the OFD.</summary>
[GenerateSerializer, Immutable, Alias("FiscalOfdOutboxEntry")]
public sealed record OfdOutboxEntry(
    [property: Id(0)] long FiscalDocumentNumber,
    [property: Id(1)] DateTimeOffset DateTime);

/// <summary>A register's fiscal status at a moment, as the API shows it (API.md, "Registers").</summary>
[GenerateSerializer, Immutable, Alias("FiscalDriveStatus")]
public sealed record FiscalDriveStatus(
    [property: Id(0)] string FnSerial,
    [property: Id(1)] string RegistrationNumber,
    [property: Id(2)] long LastFiscalDocumentNumber,
    [property: Id(3)] ShiftStatus Shift,
    [property: Id(4)] OfdBacklog Ofd);

/// <summary>The latest shift: number (0 before the first), open or not, when it opened, receipts in it, past its 24 hours or not.</summary>
[GenerateSerializer, Immutable, Alias("FiscalShiftStatus")]
public sealed record ShiftStatus(
    [property: Id(0)] int Number,
    [property: Id(1)] bool IsOpen,
    [property: Id(2)] DateTimeOffset? OpenedAt,
    [property: Id(3)] int ReceiptCount,
    [property: Id(4)] bool Expired);
