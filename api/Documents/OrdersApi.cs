using Microsoft.AspNetCore.Http.HttpResults;
using Retail.Access;
using Retail.Api.Access;
using Retail.Api.Catalog;
using Retail.Api.Http;
using Retail.Api.Registers;
using Retail.Api.Stock;
using Retail.Common;
using Retail.Documents;
using Retail.Registers;
using Retail.Registers.Fiscal;

namespace Retail.Api.Documents;

public sealed record OrderLineBody(string? Sku, decimal? Quantity, decimal? Price);

public sealed record OrderBody(string? Id, string? StoreId, IReadOnlyList<OrderLineBody>? Lines, CustomerBody? Customer, string? CrmDealId, int? ReserveMinutes);

public sealed record OrderPaymentBody(IReadOnlyList<PaymentBody>? Payments);

public sealed record OrderRefundBody(string? Id, IReadOnlyList<DocumentLineBody>? Lines);

/// <summary>Online orders (API.md, "Documents"): reserved at once or not at all, paid by an e-receipt, cancelled, expired, refunded.</summary>
public static class OrdersApi
{
    public static IEndpointRouteBuilder MapOrdersApi(this IEndpointRouteBuilder routes)
    {
        var orders = routes.MapGroup("/api/v1/orders").WithTags("Documents").RequireRole(ApiRole.Integration, ApiRole.Manager);
        orders.MapPost("", Create).WithName("CreateOrder")
            .WithSummary("Place an online order: every line reserved at once, or none (insufficient_stock)")
            .WithDescription("`reserveMinutes` (default 30) is how long the reservation waits for payment; then it expires and the stock is available again.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        orders.MapPost("/{id}/pay", Pay).WithName("PayOrder")
            .WithSummary("Pay in full: an electronic receipt on the store's online register; the reservation becomes a sale in the same step")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        orders.MapPost("/{id}/cancel", Cancel).WithName("CancelOrder").WithSummary("Cancel an unpaid order: its reservation is released")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        orders.MapPost("/{id}/refund", Refund).WithName("RefundOrder")
            .WithSummary("Refund a paid order, all of it or some lines: a sell-refund receipt, and the goods back in stock")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        orders.MapGet("/{id}", Get).WithName("GetOrder").WithSummary("An order with its receipt and refunds")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return routes;
    }

    public static IOrderGrain Order(IGrainFactory grains, string id) => grains.Get<IOrderGrain>(GrainKeys.Order(id));

    private static async Task<Results<Created<OrderView>, Ok<OrderView>, ProblemHttpResult>> Create(
        OrderBody body, IGrainFactory grains, KnownCatalog known, HttpContext context)
    {
        var (request, error) = await RequestOfAsync(body, grains, known, context.GetApiCaller());
        if (error is not null)
            return Problems.Of(error);
        return Answers.Created(await Order(grains, body.Id!).CreateAsync(request!));
    }

    /// <summary>The order a body asks for, or why it is refused: POST /orders and the orders import share it.</summary>
    public static async Task<(OrderRequest? Request, DomainError? Error)> RequestOfAsync(OrderBody body, IGrainFactory grains, KnownCatalog known, ApiCaller? caller)
    {
        var error = Validation.First(Validation.ClientId(body.Id, "id"), Validation.Key(body.StoreId, "storeId"))
            ?? DocumentRequests.OutOfScope(caller, body.StoreId!)
            ?? Shape(body)
            ?? await known.CheckStoreAsync(body.StoreId!);
        if (error is not null)
            return (null, error);
        var request = new OrderRequest(body.StoreId!, body.Lines!.Select(l => new OrderLine(l.Sku!, l.Quantity!.Value, l.Price!.Value)).ToList(),
            new CustomerInput(body.Customer!.Email, body.Customer.Phone), body.CrmDealId, body.ReserveMinutes ?? Orders.DefaultReserveMinutes);
        if ((Orders.Check(request) ?? await DocumentRequests.UnknownSkuAsync(known, request.Lines.Select(l => l.Sku), "lines")) is { } invalid)
            return (null, invalid);
        return (request, null);
    }

    private static DomainError? Shape(OrderBody body)
    {
        if (body.Customer is null)
            return new DomainError(ErrorCodes.ValidationFailed, "The buyer's e-mail or phone is required: the e-receipt goes there (tag 1008).", "customer");
        return DocumentRequests.Lines(body.Lines, "lines", (line, at) => Validation.First(
            Validation.Key(line.Sku, $"{at}.sku"), Validation.Required(line.Quantity, $"{at}.quantity"), Validation.Required(line.Price, $"{at}.price")));
    }

    private static async Task<Results<Ok<OrderView>, ProblemHttpResult>> Pay(string id, OrderPaymentBody body, IGrainFactory grains, HttpContext context)
    {
        var payments = body.Payments;
        var error = payments is not { Count: > 0 and <= 10 } ? new DomainError(ErrorCodes.ValidationFailed, "A payment has 1 to 10 parts.", "payments") : null;
        for (var i = 0; error is null && i < payments!.Count; i++)
            error = payments[i] is null
                ? new DomainError(ErrorCodes.ValidationFailed, "A payment is required.", $"payments[{i}]")
                : Validation.First(ReceiptRules.Payment(Validation.Parsed<PaymentType>(payments[i].Type), i), Validation.Required(payments[i].Amount, $"payments[{i}].amount"),
                    Validation.Money(payments[i].Amount, $"payments[{i}].amount"));
        if (error is not null)
            return Problems.Of(error);
        return await ActAsync(id, grains, context, order => order.PayAsync(payments!.Select(p => new PaymentInput(Validation.Parsed<PaymentType>(p.Type)!.Value, p.Amount!.Value)).ToList()));
    }

    private static Task<Results<Ok<OrderView>, ProblemHttpResult>> Cancel(string id, IGrainFactory grains, HttpContext context) =>
        ActAsync(id, grains, context, order => order.CancelAsync());

    private static async Task<Results<Ok<OrderView>, ProblemHttpResult>> Refund(string id, OrderRefundBody? body, IGrainFactory grains, HttpContext context)
    {
        if (body?.Id is { } refundId && Validation.ClientId(refundId, "id") is { } badId)
            return Problems.Of(badId);
        IReadOnlyList<DocumentLine>? lines = null;
        if (body?.Lines is not null)
        {
            if (DocumentRequests.Lines(body.Lines, "lines") is { } shape)
                return Problems.Of(shape);
            lines = body.Lines.Select(l => new DocumentLine(l.Sku!, l.Quantity!.Value)).ToList();
        }
        return await ActAsync(id, grains, context, async order =>
            // Without a refund id every call is a new refund; send one to make retries safe.
            await order.RefundAsync(body?.Id ?? $"refund-{((await order.GetAsync())?.Refunds.Count ?? 0) + 1}", lines));
    }

    private static async Task<Results<Ok<OrderView>, ProblemHttpResult>> ActAsync(
        string id, IGrainFactory grains, HttpContext context, Func<IOrderGrain, Task<Outcome<OrderView>>> act)
    {
        if (Validation.ClientId(id, "id") is { } invalid)
            return Problems.Of(invalid);
        var order = Order(grains, id);
        if (await order.GetAsync() is not { } current)
            return Problems.NotFound($"Order {id}");
        if (DocumentRequests.OutOfScope(context, current.StoreId) is { } forbidden)
            return Problems.Of(forbidden);
        return Answers.Of(await act(order));
    }

    private static async Task<Results<Ok<OrderView>, ProblemHttpResult>> Get(string id, IGrainFactory grains, HttpContext context) =>
        Validation.ClientId(id, "id") is null && await Order(grains, id).GetAsync() is { } order
            ? DocumentRequests.OutOfScope(context, order.StoreId) is { } forbidden ? Problems.Of(forbidden) : TypedResults.Ok(order)
            : Problems.NotFound($"Order {id}");
}
