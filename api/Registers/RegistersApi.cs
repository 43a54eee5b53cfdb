using Retail.Orleans.Access;
using Retail.Orleans.Api.Access;
using Retail.Orleans.Api.Http;
using Retail.Orleans.Catalog;
using Retail.Orleans.Common;
using Retail.Orleans.Registers;

namespace Retail.Orleans.Api.Registers;

public sealed record PutRegisterRequest(string? StoreId, string? Mode);

public sealed record CashierBody(string? Name, string? Inn);

public sealed record OpenShiftRequest(CashierBody? Cashier);

public sealed record CloseShiftRequest(CashierBody? Cashier);

public sealed record ReceiptItemBody(string? Sku, decimal? Quantity, decimal? Price, string? MarkingCode);

public sealed record PaymentBody(string? Type, decimal? Amount);

public sealed record CustomerBody(string? Email, string? Phone);

public sealed record ReceiptBody(string? Id, string? Operation, IReadOnlyList<ReceiptItemBody>? Items, IReadOnlyList<PaymentBody>? Payments, CustomerBody? Customer);

public sealed record OfdSettingRequest(bool? Reachable);

/// <summary>Cash registers with the emulated fiscal drive (API.md, "Registers").</summary>
public static class RegistersApi
{
    public static IEndpointRouteBuilder MapRegistersApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/v1/registers/{registerId}").WithTags("Registers")
            .RequireRole(ApiRole.Cashier).ScopedToRegister()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPut("", PutRegister).WithName("PutRegister").WithSummary("Register a cash register's fiscal drive (FD 1); idempotent")
            .AdminOnly().Produces<RegisterView>().ProducesProblem(StatusCodes.Status409Conflict);
        api.MapGet("", GetRegister).WithName("GetRegister").WithSummary("Counters, shift and OFD backlog of a register")
            .Produces<RegisterView>();
        api.MapPost("/shifts/open", OpenShift).WithName("OpenShift").WithSummary("Open a shift (form 2)")
            .Produces<ShiftOpened>().ProducesProblem(StatusCodes.Status409Conflict);
        api.MapPost("/shifts/close", CloseShift).WithName("CloseShift").WithSummary("Close the shift: the Z-report (form 5)")
            .Produces<ShiftClosed>().ProducesProblem(StatusCodes.Status409Conflict);
        api.MapPost("/reports/current-state", ReportState).WithName("ReportState").WithSummary("The current-state report (form 21)")
            .Produces<StateReported>().ProducesProblem(StatusCodes.Status409Conflict);
        api.MapPost("/receipts", PostReceipt).WithName("PostReceipt")
            .WithSummary("Fiscalize a sale or refund and write its stock off or back; idempotent by id")
            .Produces<ReceiptDocument>(StatusCodes.Status201Created).Produces<ReceiptDocument>()
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        api.MapGet("/receipts/{receiptId}", GetReceipt).WithName("GetReceipt").WithSummary("A fiscalized receipt")
            .Produces<ReceiptDocument>();
        api.MapPut("/ofd", SetOfd).WithName("SetOfdReachable").WithSummary("Emulated fiscal data operator: make it reachable or not")
            .AdminOnly().Produces<OfdView>();
        api.MapPost("/ofd/deliver", DeliverToOfd).WithName("DeliverToOfd").WithSummary("Send the OFD outbox now")
            .Produces<OfdView>();
        return routes;
    }

    private static IRegisterGrain Register(IGrainFactory grains, string registerId) =>
        grains.GetGrain<IRegisterGrain>(GrainKeys.Register(registerId));

    private static IResult Answer<T>(Outcome<T> outcome, int status = StatusCodes.Status200OK) =>
        outcome.Error is { } error ? Problems.Of(error)
        : status == StatusCodes.Status201Created && !outcome.Replayed ? TypedResults.Json(outcome.Value, statusCode: status)
        : TypedResults.Ok(outcome.Value);

    private static async Task<IResult> PutRegister(string registerId, PutRegisterRequest request, IGrainFactory grains)
    {
        var error = Validation.First(
            Validation.Key(registerId, "registerId"),
            Validation.Key(request.StoreId, "storeId"),
            request.Mode is null or "emulated" ? null
                : new DomainError(ErrorCodes.ValidationFailed, "The mode is 'emulated'.", "mode"));
        return error is not null ? Problems.Of(error) : Answer(await Register(grains, registerId).RegisterAsync(request.StoreId!));
    }

    private static async Task<IResult> GetRegister(string registerId, IGrainFactory grains) =>
        Validation.Key(registerId, "registerId") is null && await Register(grains, registerId).GetAsync() is { } view
            ? TypedResults.Ok(view)
            : Problems.NotFound($"Register {registerId}");

    private static async Task<IResult> OpenShift(string registerId, OpenShiftRequest request, IGrainFactory grains)
    {
        if ((Validation.Key(registerId, "registerId") ?? CashierError(request.Cashier, required: true)) is { } error)
            return Problems.Of(error);
        return Answer(await Register(grains, registerId).OpenShiftAsync(new CashierInfo(request.Cashier!.Name!.Trim(), request.Cashier.Inn)));
    }

    private static async Task<IResult> CloseShift(string registerId, IGrainFactory grains, CloseShiftRequest? request = null)
    {
        if ((Validation.Key(registerId, "registerId") ?? CashierError(request?.Cashier, required: false)) is { } error)
            return Problems.Of(error);
        var cashier = request?.Cashier is { Name: not null } c ? new CashierInfo(c.Name.Trim(), c.Inn) : null;
        return Answer(await Register(grains, registerId).CloseShiftAsync(cashier));
    }

    private static async Task<IResult> ReportState(string registerId, IGrainFactory grains) =>
        Validation.Key(registerId, "registerId") is { } error
            ? Problems.Of(error)
            : Answer(await Register(grains, registerId).ReportStateAsync());

    private static async Task<IResult> PostReceipt(string registerId, ReceiptBody body, IGrainFactory grains)
    {
        var error = Validation.First(
            Validation.Key(registerId, "registerId"),
            Validation.ClientId(body.Id, "id"),
            Validation.Text(body.Operation, "operation", 32),
            body.Items is not { Count: > 0 and <= 1000 } ? new DomainError(ErrorCodes.ValidationFailed, "A receipt has 1 to 1000 items.", "items") : null,
            body.Payments is not { Count: > 0 and <= 10 } ? new DomainError(ErrorCodes.ValidationFailed, "A receipt has 1 to 10 payments.", "payments") : null,
            body.Customer is { } customer && (customer.Email?.Length > 256 || customer.Phone?.Length > 32)
                ? new DomainError(ErrorCodes.ValidationFailed, "An e-mail is at most 256 and a phone at most 32 characters.", "customer") : null);
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
                    Validation.Text(payment.Type, $"payments[{i}].type", 32),
                    Validation.Required(payment.Amount, $"payments[{i}].amount"));
        }
        if (error is not null)
            return Problems.Of(error);

        var input = new ReceiptInput(body.Id!, body.Operation!,
            body.Items!.Select(i => new ReceiptItemInput(i.Sku!, i.Quantity!.Value, i.Price!.Value, i.MarkingCode)).ToList(),
            body.Payments!.Select(p => new PaymentInput(p.Type!, p.Amount!.Value)).ToList(),
            body.Customer is null ? null : new CustomerInput(body.Customer.Email, body.Customer.Phone));
        return Answer(await Register(grains, registerId).FiscalizeAsync(input), StatusCodes.Status201Created);
    }

    private static async Task<IResult> GetReceipt(string registerId, string receiptId, IGrainFactory grains) =>
        Validation.Key(registerId, "registerId") is null && Identifiers.IsValidClientId(receiptId)
            && await Register(grains, registerId).GetReceiptAsync(receiptId) is { } receipt
            ? TypedResults.Ok(receipt)
            : Problems.NotFound($"Receipt {receiptId}");

    private static async Task<IResult> SetOfd(string registerId, OfdSettingRequest request, IGrainFactory grains)
    {
        if ((Validation.Key(registerId, "registerId") ?? Validation.Required(request.Reachable, "reachable")) is { } error)
            return Problems.Of(error);
        if (await Register(grains, registerId).GetAsync() is null)
            return Problems.NotFound($"Register {registerId}");
        return TypedResults.Ok(await Register(grains, registerId).SetOfdReachableAsync(request.Reachable!.Value));
    }

    private static async Task<IResult> DeliverToOfd(string registerId, IGrainFactory grains)
    {
        if (Validation.Key(registerId, "registerId") is { } error)
            return Problems.Of(error);
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
