using Microsoft.AspNetCore.Http.HttpResults;
using Retail.Access;
using Retail.Api.Access;
using Retail.Api.Http;
using Retail.Catalog;
using Retail.Common;
using Retail.Registers;
using Retail.Registers.Fiscal;

namespace Retail.Api.Registers;

/// <summary>An emulated register needs only its store; a device register names its FN and KKT (and, for an FN in use, the first FD number to expect).</summary>
public sealed record PutRegisterRequest(string? StoreId, string? Mode, string? FnSerial = null, string? RegistrationNumber = null, long? FirstFiscalDocumentNumber = null);

public sealed record CashierBody(string? Name, string? Inn);

public sealed record OpenShiftRequest(CashierBody? Cashier);

public sealed record CloseShiftRequest(CashierBody? Cashier);

public sealed record ReceiptItemBody(string? Sku, decimal? Quantity, decimal? Price, string? MarkingCode);

public sealed record PaymentBody(string? Type, decimal? Amount);

public sealed record CustomerBody(string? Email, string? Phone);

public sealed record ReceiptBody(string? Id, string? Operation, IReadOnlyList<ReceiptItemBody>? Items, IReadOnlyList<PaymentBody>? Payments, CustomerBody? Customer);

public sealed record CorrectionBasisBody(string? Type, DateOnly? SettlementDate, string? OrderNumber);

public sealed record CorrectionBody(string? Id, string? Operation, IReadOnlyList<ReceiptItemBody>? Items, IReadOnlyList<PaymentBody>? Payments,
    CorrectionBasisBody? Correction);

public sealed record OfdSettingRequest(bool? Reachable);

public sealed record VatBody(string? Rate, decimal? Amount);

/// <summary>What a physical drive printed on a receipt; <c>dateTime</c> is ISO 8601 with its offset.</summary>
public sealed record DeviceFiscalBody(
    string? FnSerial, long? FiscalDocumentNumber, long? FiscalSign, int? ShiftNumber, int? ReceiptNumber, string? DateTime,
    string? Qr, decimal? Total, IReadOnlyList<VatBody>? Vat);

public sealed record FiscalizedReceiptBody(
    string? Id, string? Operation, IReadOnlyList<ReceiptItemBody>? Items, IReadOnlyList<PaymentBody>? Payments, CustomerBody? Customer,
    DeviceFiscalBody? Fiscal);

/// <summary>Receipts a till replays after working offline, in the order its drive signed them: up to 1,000.</summary>
public sealed record FiscalizedReceiptsBody(IReadOnlyList<FiscalizedReceiptBody?>? Receipts);

/// <summary>
/// How one receipt of a batch ended: <c>status</c> is what the receipt alone would have been answered
/// (201 new, 200 replayed, a 4xx refusal, 503 to retry), with the receipt or the problem.
/// </summary>
public sealed record FiscalizedReceiptResult(int Index, string? Id, int Status, ReceiptDocument? Receipt, Microsoft.AspNetCore.Mvc.ProblemDetails? Problem);

/// <summary>The answer to a batch: one result per receipt, in the order sent, and the counts.</summary>
public sealed record FiscalizedReceiptsResult(int Accepted, int Replayed, int Refused, IReadOnlyList<FiscalizedReceiptResult> Results);

/// <summary>A report a physical drive signed: form 2 (shift open), 5 (shift close, with its counters) or 21 (current state).</summary>
public sealed record FiscalizedReportBody(
    string? FnSerial, int? Form, long? FiscalDocumentNumber, long? FiscalSign, int? ShiftNumber, string? DateTime,
    int? ReceiptCount, int? DocumentCount);

/// <summary>A register of a store as its list shows it: counters, shift and OFD state, and the FD numbers not received (device registers).</summary>
public sealed record StoreRegisterView(
    string RegisterId, string StoreId, string Mode, string FnSerial, string RegistrationNumber, long LastFiscalDocumentNumber,
    ShiftView Shift, OfdView Ofd, long MissingCount)
{
    public static StoreRegisterView Of(RegisterView view, RegisterGaps? gaps) => new(view.RegisterId, view.StoreId, view.Mode, view.FnSerial,
        view.RegistrationNumber, view.LastFiscalDocumentNumber, view.Shift, view.Ofd, gaps?.MissingCount ?? 0);
}

/// <summary>Cash registers, with the emulated fiscal drive or a physical one (API.md, "Registers").</summary>
public static class RegistersApi
{
    public static IEndpointRouteBuilder MapRegistersApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/v1/stores/{storeId}/registers", ListStoreRegisters).WithTags("Registers").WithName("ListStoreRegisters")
            .WithSummary("A store's registers with their shift, OFD backlog and missing FD numbers")
            .RequireRole(ApiRole.Manager, ApiRole.Cashier).ScopedToStore()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        var api = routes.MapGroup("/api/v1/registers/{registerId}").WithTags("Registers")
            .RequireRole(ApiRole.Cashier).ScopedToRegister()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        // A command refuses a malformed register id before anything else; a read answers it as not found.
        var commands = api.MapGroup("").WellFormedRegisterId();
        commands.MapPut("", PutRegister).WithName("PutRegister").WithSummary("Register a cash register's fiscal drive (FD 1); idempotent")
            .AdminOnly().ProducesProblem(StatusCodes.Status409Conflict);
        api.MapGet("", GetRegister).WithName("GetRegister").WithSummary("Counters, shift and OFD backlog of a register");
        commands.MapPost("/shifts/open", OpenShift).WithName("OpenShift").WithSummary("Open a shift (form 2)")
            .ProducesProblem(StatusCodes.Status409Conflict);
        commands.MapPost("/shifts/close", CloseShift).WithName("CloseShift").WithSummary("Close the shift: the Z-report (form 5)")
            .ProducesProblem(StatusCodes.Status409Conflict);
        commands.MapPost("/reports/current-state", ReportState).WithName("ReportState").WithSummary("The current-state report (form 21)")
            .ProducesProblem(StatusCodes.Status409Conflict);
        commands.MapPost("/receipts", PostReceipt).WithName("PostReceipt")
            .WithSummary("Fiscalize a sale or refund and write its stock off or back; idempotent by id")
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        commands.MapPost("/corrections", PostCorrection).WithName("PostCorrection")
            .WithSummary("A correction receipt (form 31) for a settlement that was missed or fiscalized wrongly; writes stock like a receipt; idempotent by id")
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        api.MapGet("/receipts/{receiptId}", GetReceipt).WithName("GetReceipt").WithSummary("A fiscalized receipt");
        commands.MapPut("/ofd", SetOfd).WithName("SetOfdReachable").WithSummary("Emulated fiscal data operator: make it reachable or not")
            .AdminOnly();
        commands.MapPost("/ofd/deliver", DeliverToOfd).WithName("DeliverToOfd").WithSummary("Send the OFD outbox now");
        commands.MapPost("/fiscalized-receipts", PostFiscalizedReceipt).WithName("PostFiscalizedReceipt")
            .WithSummary("A receipt a physical drive signed, reported late and in any order; applied once by FN and FD number")
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        commands.MapPost("/fiscalized-receipts/batch", PostFiscalizedReceipts).WithName("PostFiscalizedReceipts")
            .WithSummary("Up to 1,000 receipts a physical drive signed (an offline till's replay): each applied as if posted alone, one result per receipt");
        commands.MapPost("/fiscalized-reports", PostFiscalizedReport).WithName("PostFiscalizedReport")
            .WithSummary("A shift-open, shift-close or state report a physical drive signed")
            .ProducesProblem(StatusCodes.Status409Conflict);
        api.MapGet("/gaps", GetGaps).WithName("GetRegisterGaps").WithSummary("FD numbers not received yet, per FN, and shifts short of receipts")
            .RequireRole(ApiRole.Cashier, ApiRole.Manager);
        return routes;
    }

    private static async Task<Results<Ok<List<StoreRegisterView>>, ProblemHttpResult>> ListStoreRegisters(string storeId, IGrainFactory grains)
    {
        if (Validation.Key(storeId, "storeId") is { } invalid)
            return Problems.Of(invalid);
        var store = grains.Get<IStoreGrain>(GrainKeys.Store(storeId));
        if (await store.GetAsync() is null)
            return Problems.NotFound($"Store {storeId}");
        var listed = await Task.WhenAll((await store.RegisterIdsAsync()).Select(async id =>
        {
            var register = Register(grains, id);
            var view = await register.GetAsync();
            return view is null || view.StoreId != storeId ? null : StoreRegisterView.Of(view, view.Mode == RegisterModes.Device ? await register.GetGapsAsync() : null);
        }));
        return TypedResults.Ok(listed.OfType<StoreRegisterView>().ToList());
    }

    private static IRegisterGrain Register(IGrainFactory grains, string registerId) =>
        grains.Get<IRegisterGrain>(GrainKeys.Register(registerId));

    private static async Task<Results<Ok<RegisterView>, ProblemHttpResult>> PutRegister(string registerId, PutRegisterRequest request, IGrainFactory grains)
    {
        var device = request.Mode == RegisterModes.Device;
        var error = Validation.First(
            Validation.Key(request.StoreId, "storeId"),
            request.Mode is null or RegisterModes.Emulated or RegisterModes.Device ? null
                : new DomainError(ErrorCodes.ValidationFailed, "The mode is 'emulated' or 'device'.", "mode"),
            device ? Digits16(request.FnSerial, "fnSerial") : NotForEmulated(request.FnSerial, "fnSerial"),
            device ? Digits16(request.RegistrationNumber, "registrationNumber") : NotForEmulated(request.RegistrationNumber, "registrationNumber"),
            device ? null : NotForEmulated(request.FirstFiscalDocumentNumber, "firstFiscalDocumentNumber"));
        if (error is not null)
            return Problems.Of(error);
        return Answers.Of(device
            ? await Register(grains, registerId).RegisterDeviceAsync(
                new DeviceRegistration(request.StoreId!, request.FnSerial!, request.RegistrationNumber!, request.FirstFiscalDocumentNumber))
            : await Register(grains, registerId).RegisterAsync(request.StoreId!));
    }

    private static DomainError? Digits16(string? value, string field) =>
        FiscalDriveIdentity.IsSixteenDigits(value) ? null
            : new DomainError(ErrorCodes.ValidationFailed, "Sixteen digits, leading zeros kept.", field);

    private static DomainError? NotForEmulated(object? value, string field) =>
        value is null ? null
            : new DomainError(ErrorCodes.ValidationFailed, "An emulated register has its own drive; only a device register (mode 'device') names it.", field);

    private static async Task<Results<Ok<RegisterView>, ProblemHttpResult>> GetRegister(string registerId, IGrainFactory grains) =>
        Validation.Key(registerId, "registerId") is null && await Register(grains, registerId).GetAsync() is { } view
            ? TypedResults.Ok(view)
            : Problems.NotFound($"Register {registerId}");

    private static async Task<Results<Ok<ShiftOpened>, ProblemHttpResult>> OpenShift(string registerId, OpenShiftRequest request, IGrainFactory grains)
    {
        if (CashierError(request.Cashier, required: true) is { } error)
            return Problems.Of(error);
        return Answers.Of(await Register(grains, registerId).OpenShiftAsync(new CashierInfo(request.Cashier!.Name!.Trim(), request.Cashier.Inn)));
    }

    private static async Task<Results<Ok<ShiftClosed>, ProblemHttpResult>> CloseShift(
        string registerId, IGrainFactory grains, CloseShiftRequest? request = null)
    {
        if (CashierError(request?.Cashier, required: false) is { } error)
            return Problems.Of(error);
        var cashier = request?.Cashier is { Name: not null } c ? new CashierInfo(c.Name.Trim(), c.Inn) : null;
        return Answers.Of(await Register(grains, registerId).CloseShiftAsync(cashier));
    }

    private static async Task<Results<Ok<StateReported>, ProblemHttpResult>> ReportState(string registerId, IGrainFactory grains) =>
        Answers.Of(await Register(grains, registerId).ReportStateAsync());

    private static async Task<Results<Created<ReceiptDocument>, Ok<ReceiptDocument>, ProblemHttpResult>> PostReceipt(string registerId, ReceiptBody body,
        IGrainFactory grains)
    {
        if (ReceiptError(body) is { } error)
            return Problems.Of(error);
        return Answers.Created(await Register(grains, registerId).FiscalizeAsync(ToInput(body)));
    }

    private static async Task<Results<Created<ReceiptDocument>, Ok<ReceiptDocument>, ProblemHttpResult>> PostCorrection(string registerId, CorrectionBody body,
        IGrainFactory grains)
    {
        var receipt = new ReceiptBody(body.Id, body.Operation, body.Items, body.Payments, null);
        var basis = body.Correction;
        var error = ReceiptError(receipt) ?? (basis is null
            ? new DomainError(ErrorCodes.ValidationFailed, "What the receipt corrects is required.", "correction")
            : Validation.First(
                Validation.Text(basis.Type, "correction.type", 16),
                Validation.Required(basis.SettlementDate, "correction.settlementDate"),
                Validation.Text(basis.OrderNumber, "correction.orderNumber", 64, required: false)));
        if (error is not null)
            return Problems.Of(error);
        var input = ToInput(receipt) with { Correction = new CorrectionInput(basis!.Type!, basis.SettlementDate!.Value, basis.OrderNumber) };
        return Answers.Created(await Register(grains, registerId).FiscalizeAsync(input));
    }

    private static async Task<Results<Created<ReceiptDocument>, Ok<ReceiptDocument>, ProblemHttpResult>> PostFiscalizedReceipt(string registerId,
        FiscalizedReceiptBody body, IGrainFactory grains)
    {
        var (receipt, error) = FiscalizedReceiptOf(body);
        if (error is not null)
            return Problems.Of(error);
        return Answers.Created(await Register(grains, registerId).AcceptFiscalizedReceiptAsync(receipt!.Receipt, receipt.Fiscal));
    }

    /// <summary>The most receipts one batch takes, and how many go to the register per grain call (each call well inside the call timeout).</summary>
    public const int MaxBatch = 1000;
    private const int ReceiptsPerCall = 50;

    private static async Task<Results<Ok<FiscalizedReceiptsResult>, ProblemHttpResult>> PostFiscalizedReceipts(string registerId, FiscalizedReceiptsBody body,
        IGrainFactory grains)
    {
        if (body.Receipts is not { Count: > 0 and <= MaxBatch } receipts)
            return Problems.Validation("receipts", $"A batch has 1 to {MaxBatch} receipts.");
        var results = new FiscalizedReceiptResult?[receipts.Count];
        var valid = new List<(int Index, FiscalizedReceipt Receipt)>();
        for (var i = 0; i < receipts.Count; i++)
        {
            var (receipt, error) = receipts[i] is { } one
                ? FiscalizedReceiptOf(one)
                : (null, new DomainError(ErrorCodes.ValidationFailed, "A receipt is required.", "receipts"));
            if (error is not null)
                results[i] = Result(i, receipts[i]?.Id, Outcome<ReceiptDocument>.Refused(error));
            else
                valid.Add((i, receipt!));
        }
        var register = Register(grains, registerId);
        foreach (var chunk in valid.Chunk(ReceiptsPerCall))
        {
            IReadOnlyList<Outcome<ReceiptDocument>> outcomes;
            try
            {
                outcomes = await register.AcceptFiscalizedReceiptsAsync(chunk.Select(c => c.Receipt).ToList());
            }
            catch (Exception error) when (Faults.TransientFaults.IsTransient(error))
            {
                // The rest is not known to be applied: each is answered 503, and a retry of the batch replays what was.
                var unavailable = Outcome<ReceiptDocument>.Refused(new DomainError(ErrorCodes.Unavailable,
                    $"Register {registerId} did not answer for this receipt; retry it (the batch, or the receipt alone, with the same id)."));
                foreach (var (index, receipt) in valid.SkipWhile(v => v.Index != chunk[0].Index))
                    results[index] = Result(index, receipt.Receipt.Id, unavailable);
                break;
            }
            for (var k = 0; k < chunk.Length; k++)
                results[chunk[k].Index] = Result(chunk[k].Index, chunk[k].Receipt.Receipt.Id, outcomes[k]);
        }
        var answered = results.Select(r => r!).ToList();
        return TypedResults.Ok(new FiscalizedReceiptsResult(
            answered.Count(r => r.Status == StatusCodes.Status201Created), answered.Count(r => r.Status == StatusCodes.Status200OK),
            answered.Count(r => r.Problem is not null), answered));

        static FiscalizedReceiptResult Result(int index, string? id, Outcome<ReceiptDocument> outcome) => outcome.Error is { } error
            ? new FiscalizedReceiptResult(index, id, Problems.StatusOf(error.Code), null, Problems.Of(error).ProblemDetails)
            : new FiscalizedReceiptResult(index, id, outcome.Replayed ? StatusCodes.Status200OK : StatusCodes.Status201Created, outcome.Value, null);
    }

    /// <summary>A receipt a physical drive signed, checked as the till sent it: the same for one posted alone and one of a batch.</summary>
    private static (FiscalizedReceipt? Receipt, DomainError? Error) FiscalizedReceiptOf(FiscalizedReceiptBody body)
    {
        var receipt = new ReceiptBody(body.Id, body.Operation, body.Items, body.Payments, body.Customer);
        var fiscal = body.Fiscal;
        var at = default(DateTimeOffset);
        var error = ReceiptError(receipt) ?? (fiscal is null
            ? new DomainError(ErrorCodes.ValidationFailed, "What the drive printed is required.", "fiscal")
            : Validation.First(
                Digits16(fiscal.FnSerial, "fiscal.fnSerial"),
                Validation.Required(fiscal.FiscalDocumentNumber, "fiscal.fiscalDocumentNumber"),
                Validation.Required(fiscal.FiscalSign, "fiscal.fiscalSign"),
                Validation.Required(fiscal.ShiftNumber, "fiscal.shiftNumber"),
                Validation.Required(fiscal.ReceiptNumber, "fiscal.receiptNumber"),
                Validation.Timestamp(fiscal.DateTime, "fiscal.dateTime", out at),
                Validation.Money(fiscal.Total, "fiscal.total"),
                VatError(fiscal.Vat)));
        if (error is not null)
            return (null, error);
        var data = new DeviceFiscalData(fiscal!.FnSerial!, fiscal.FiscalDocumentNumber!.Value, fiscal.FiscalSign!.Value, fiscal.ShiftNumber!.Value,
            fiscal.ReceiptNumber!.Value, at, fiscal.Qr, fiscal.Total, fiscal.Vat?.Select(v => new VatLine(v.Rate!, v.Amount!.Value)).ToList());
        return (new FiscalizedReceipt(ToInput(receipt), data), null);
    }

    private static DomainError? VatError(IReadOnlyList<VatBody>? vat)
    {
        for (var i = 0; vat is not null && i < vat.Count; i++)
        {
            var error = vat[i] is not { } line
                ? new DomainError(ErrorCodes.ValidationFailed, "A VAT line is required.", $"fiscal.vat[{i}]")
                : Validation.First(
                    Validation.Text(line.Rate, $"fiscal.vat[{i}].rate", 16),
                    Validation.Required(line.Amount, $"fiscal.vat[{i}].amount"),
                    Validation.Money(line.Amount, $"fiscal.vat[{i}].amount"));
            if (error is not null)
                return error;
        }
        return vat is { Count: > 12 } ? new DomainError(ErrorCodes.ValidationFailed, "A receipt has at most one VAT line per rate.", "fiscal.vat") : null;
    }

    private static async Task<Results<Created<FiscalizedReport>, Ok<FiscalizedReport>, ProblemHttpResult>> PostFiscalizedReport(string registerId,
        FiscalizedReportBody body, IGrainFactory grains)
    {
        var at = default(DateTimeOffset);
        var error = Validation.First(
            Digits16(body.FnSerial, "fnSerial"),
            Validation.Required(body.Form, "form"),
            Validation.Required(body.FiscalDocumentNumber, "fiscalDocumentNumber"),
            Validation.Required(body.FiscalSign, "fiscalSign"),
            Validation.Required(body.ShiftNumber, "shiftNumber"),
            Validation.Timestamp(body.DateTime, "dateTime", out at));
        if (error is not null)
            return Problems.Of(error);
        var report = new FiscalizedReport(body.FnSerial!, body.Form!.Value, body.FiscalDocumentNumber!.Value, body.FiscalSign!.Value,
            body.ShiftNumber!.Value, at, body.ReceiptCount, body.DocumentCount);
        return Answers.Created(await Register(grains, registerId).AcceptFiscalizedReportAsync(report));
    }

    private static async Task<Results<Ok<RegisterGaps>, ProblemHttpResult>> GetGaps(string registerId, IGrainFactory grains) =>
        Validation.Key(registerId, "registerId") is null && await Register(grains, registerId).GetGapsAsync() is { } gaps
            ? TypedResults.Ok(gaps)
            : Problems.NotFound($"Register {registerId}");

    /// <summary>The receipt body's own form, the same for a receipt to fiscalize and one a physical drive already signed.</summary>
    private static DomainError? ReceiptError(ReceiptBody body)
    {
        var error = Validation.First(
            Validation.ClientId(body.Id, "id"),
            ReceiptRules.Operation(OperationOf(body.Operation)),
            ReceiptRules.Limits(body.Items?.Count, body.Payments?.Count),
            body.Customer is { } customer && (customer.Email?.Length > FiscalDrive.MaxCustomerContactLength || customer.Phone?.Length > FiscalDrive.MaxCustomerContactLength)
                ? new DomainError(ErrorCodes.ValidationFailed, $"A buyer's e-mail or phone is at most {FiscalDrive.MaxCustomerContactLength} characters (tag 1008).", "customer") : null);
        for (var i = 0; error is null && i < body.Items!.Count; i++)
        {
            var item = body.Items[i];
            error = item is null
                ? new DomainError(ErrorCodes.ValidationFailed, "An item is required.", $"items[{i}]")
                : Validation.First(
                    Validation.Key(item.Sku, $"items[{i}].sku"),
                    Validation.Required(item.Quantity, $"items[{i}].quantity"),
                    Validation.Required(item.Price, $"items[{i}].price"),
                    item.MarkingCode is { Length: 0 or > 512 } ? new DomainError(ErrorCodes.ValidationFailed, "A marking code is 1 to 512 characters.", $"items[{i}].markingCode") : null);
        }
        for (var i = 0; error is null && i < body.Payments!.Count; i++)
        {
            var payment = body.Payments[i];
            error = payment is null
                ? new DomainError(ErrorCodes.ValidationFailed, "A payment is required.", $"payments[{i}]")
                : Validation.First(
                    ReceiptRules.Payment(Validation.Parsed<PaymentType>(payment.Type), i),
                    Validation.Required(payment.Amount, $"payments[{i}].amount"));
        }
        return error;
    }

    /// <summary>The API's spelling (<c>sellRefund</c>) or ATOL's (<c>sell_refund</c>); null for anything else.</summary>
    private static FiscalOperation? OperationOf(string? name) => FiscalNames.TryParseOperation(name, out var operation) ? operation : null;

    /// <summary>A receipt body <see cref="ReceiptError"/> has passed.</summary>
    private static ReceiptInput ToInput(ReceiptBody body) => new(body.Id!, OperationOf(body.Operation)!.Value,
        body.Items!.Select(i => new ReceiptItemInput(i.Sku!, i.Quantity!.Value, i.Price!.Value, i.MarkingCode)).ToList(),
        body.Payments!.Select(p => new PaymentInput(Validation.Parsed<PaymentType>(p.Type)!.Value, p.Amount!.Value)).ToList(),
        body.Customer is null ? null : new CustomerInput(body.Customer.Email, body.Customer.Phone));

    private static async Task<Results<Ok<ReceiptDocument>, ProblemHttpResult>> GetReceipt(string registerId, string receiptId, IGrainFactory grains) =>
        Validation.Key(registerId, "registerId") is null && Identifiers.IsValidClientId(receiptId)
            && await Register(grains, registerId).GetReceiptAsync(receiptId) is { } receipt
            ? TypedResults.Ok(receipt)
            : Problems.NotFound($"Receipt {receiptId}");

    private static async Task<Results<Ok<OfdView>, ProblemHttpResult>> SetOfd(string registerId, OfdSettingRequest request, IGrainFactory grains)
    {
        if (Validation.Required(request.Reachable, "reachable") is { } error)
            return Problems.Of(error);
        if (await Register(grains, registerId).GetAsync() is null)
            return Problems.NotFound($"Register {registerId}");
        return TypedResults.Ok(await Register(grains, registerId).SetOfdReachableAsync(request.Reachable!.Value));
    }

    private static async Task<Results<Ok<OfdView>, ProblemHttpResult>> DeliverToOfd(string registerId, IGrainFactory grains)
    {
        if (await Register(grains, registerId).GetAsync() is null)
            return Problems.NotFound($"Register {registerId}");
        return TypedResults.Ok(await Register(grains, registerId).DeliverToOfdAsync());
    }

    private static DomainError? CashierError(CashierBody? cashier, bool required) =>
        cashier is null
            ? required ? new DomainError(ErrorCodes.ValidationFailed, "The cashier is required.", "cashier") : null
            : Validation.First(
                Validation.Text(cashier.Name, "cashier.name", 128),
                cashier.Inn is not null && !Inn.IsValid(cashier.Inn)
                    ? new DomainError(ErrorCodes.ValidationFailed, "An INN of 10 or 12 digits with valid check digits.", "cashier.inn") : null);
}
