using Retail.Common;
using Retail.Registers;
using Retail.Registers.Fiscal;

namespace Retail.Tests.Registers;

/// <summary>A document a physical till has to report: what its drive printed, ready to post to the register grain.</summary>
public abstract record TillDocument(long FiscalDocumentNumber)
{
    /// <summary>The refusal's code, or null; and whether the register answered a repeat.</summary>
    public abstract Task<(string? Error, bool Replayed)> SendAsync(IRegisterGrain register);
}

public sealed record TillReceipt(ReceiptInput Receipt, DeviceFiscalData Fiscal) : TillDocument(Fiscal.FiscalDocumentNumber)
{
    public override async Task<(string? Error, bool Replayed)> SendAsync(IRegisterGrain register)
    {
        var outcome = await register.AcceptFiscalizedReceiptAsync(Receipt, Fiscal);
        return (outcome.Error?.Code, outcome.Replayed);
    }
}

public sealed record TillReport(FiscalizedReport Report) : TillDocument(Report.FiscalDocumentNumber)
{
    public override async Task<(string? Error, bool Replayed)> SendAsync(IRegisterGrain register)
    {
        var outcome = await register.AcceptFiscalizedReportAsync(Report);
        return (outcome.Error?.Code, outcome.Replayed);
    }
}

/// <summary>
/// A till with a physical fiscal drive, as the drive numbers things: one FD sequence over every
/// document from FD 2 (after the registration report), shifts, receipt numbers restarting per shift,
/// a sign per document, the store's local time in the QR code. It keeps what it printed, to be sent later.
/// </summary>
public sealed class DeviceTill(string fnSerial, DateTimeOffset startsAt, long nextFiscalDocumentNumber = DeviceDrive.FirstAfterRegistration)
{
    public const string RegistrationNumber = "0000000001012345";

    private static readonly TimeZoneInfo Moscow = TimeZoneInfo.FindSystemTimeZoneById("Europe/Moscow");

    private readonly Random random = new();
    private long nextFd = nextFiscalDocumentNumber;
    private DateTimeOffset now = startsAt;
    private int shift;
    private int receiptsInShift;
    private int documentsInShift;

    public string FnSerial => fnSerial;

    public List<TillDocument> Printed { get; } = [];

    public IEnumerable<TillReceipt> Receipts => Printed.OfType<TillReceipt>();

    public static string NewFnSerial() => $"99604403{Random.Shared.NextInt64(0, 100_000_000):D8}";

    public TillReport OpenShift()
    {
        shift++;
        receiptsInShift = 0;
        documentsInShift = 1;
        return Print(new TillReport(new FiscalizedReport(fnSerial, (int)FiscalDocumentForm.ShiftOpenReport, nextFd++, Sign(), shift, Tick())));
    }

    public TillReport CloseShift()
    {
        documentsInShift++;
        return Print(new TillReport(new FiscalizedReport(fnSerial, (int)FiscalDocumentForm.ShiftCloseReport, nextFd++, Sign(), shift, Tick(),
            ReceiptCount: receiptsInShift, DocumentCount: documentsInShift)));
    }

    /// <summary>A receipt as the drive prints it; the QR code is the one the customer gets, with seconds.</summary>
    public TillReceipt Sell(string id, IReadOnlyList<ReceiptItemInput> items, string operation = "sell", bool withQr = true)
    {
        receiptsInShift++;
        documentsInShift++;
        var total = items.Sum(i => Money.RoundToKopecks(i.Quantity * i.Price));
        var fd = nextFd++;
        var sign = Sign();
        var at = Tick();
        var qr = withQr
            ? $"t={TimeZoneInfo.ConvertTime(at, Moscow):yyyyMMdd'T'HHmmss}&s={total.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)}&fn={fnSerial}&i={fd}&fp={sign}&n={(operation == "sell" ? 1 : 2)}"
            : null;
        return Print(new TillReceipt(
            new ReceiptInput(id, FiscalNames.TryParseOperation(operation, out var parsed) ? parsed : default, items, [new PaymentInput(PaymentType.Electronic, total)]),
            new DeviceFiscalData(fnSerial, fd, sign, shift, receiptsInShift, at, qr)));
    }

    public TillReceipt Sell(string id, string sku, decimal quantity, decimal price, string operation = "sell", string? markingCode = null) =>
        Sell(id, [new ReceiptItemInput(sku, quantity, price, markingCode)], operation);

    private T Print<T>(T document) where T : TillDocument
    {
        Printed.Add(document);
        return document;
    }

    private long Sign() => random.NextInt64(0, (long)uint.MaxValue + 1);

    private DateTimeOffset Tick() => now = now.AddSeconds(random.Next(5, 90));
}
