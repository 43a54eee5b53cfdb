using Microsoft.AspNetCore.Http.HttpResults;
using Retail.Access;
using Retail.Api.Access;
using Retail.Api.Catalog;
using Retail.Api.Http;
using Retail.Api.Stock;
using Retail.Common;
using Retail.Procurement;

namespace Retail.Api.Procurement;

public sealed record OrderLineBody(string? Sku, decimal? Quantity);

public sealed record PurchaseOrderBody(string? Id, string? StoreId, string? Supplier, IReadOnlyList<OrderLineBody>? Lines);

public sealed record DraftBody(string? Id, string? Supplier);

public sealed record DeliveryBody(string? Id, IReadOnlyList<OrderLineBody>? Lines);

/// <summary>Suggestions and purchase orders (API.md, "Analytics and procurement", "Purchase orders").</summary>
public static class ProcurementApi
{
    public static IEndpointRouteBuilder MapProcurementApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/v1").WithTags("Procurement");
        api.MapGet("/procurement/stores/{storeId}/suggestions", Suggestions).WithName("Suggestions")
            .WithSummary("Forecast demand, reorder point and what to order per SKU (all=true for every SKU, not only those to order)")
            .RequireRole(ApiRole.Manager).ScopedToStore().KnownStore()
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPost("/procurement/stores/{storeId}/purchase-orders", DraftFromSuggestions).WithName("DraftPurchaseOrder")
            .WithSummary("Turn today's suggestions into a draft purchase order")
            .RequireRole(ApiRole.Manager).ScopedToStore()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        // The store of a purchase order is in its body or its state, not its route: the handlers check the scope.
        var orders = api.MapGroup("/purchase-orders").RequireRole(ApiRole.Manager);
        orders.MapPost("", CreatePurchaseOrder).WithName("CreatePurchaseOrder").WithSummary("Place a purchase order: its lines become incoming")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        orders.MapPost("/{id}/place", PlacePurchaseOrder).WithName("PlacePurchaseOrder").WithSummary("Place a draft purchase order")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        orders.MapPost("/{id}/receive", ReceivePurchaseOrder).WithName("ReceivePurchaseOrder")
            .WithSummary("Post a delivery (partial deliveries allowed): goods receipts move incoming into onHand")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        orders.MapGet("/{id}", GetPurchaseOrder).WithName("GetPurchaseOrder").WithSummary("A purchase order with what was received")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return routes;
    }

    private static IPurchaseOrderGrain Order(IGrainFactory grains, string id) => grains.Get<IPurchaseOrderGrain>(GrainKeys.PurchaseOrder(id));

    private static async Task<Ok<IReadOnlyList<Suggestion>>> Suggestions(string storeId, IGrainFactory grains, bool all = false)
    {
        var suggestions = await grains.Get<IProcurementGrain>(GrainKeys.Store(storeId)).SuggestionsAsync();
        return TypedResults.Ok(all ? suggestions : suggestions.Where(s => s.SuggestedQuantity > 0).ToList());
    }

    private static async Task<Results<Created<PurchaseOrderView>, Ok<PurchaseOrderView>, ProblemHttpResult>> DraftFromSuggestions(
        string storeId, DraftBody body, IGrainFactory grains, KnownCatalog known)
    {
        var error = Validation.First(Validation.ClientId(body.Id, "id"), Validation.Text(body.Supplier, "supplier", 256))
            ?? await known.CheckStoreAsync(storeId);
        if (error is not null)
            return Problems.Of(error);
        return Answers.Created(await grains.Get<IProcurementGrain>(GrainKeys.Store(storeId)).DraftPurchaseOrderAsync(body.Id!, body.Supplier!.Trim()));
    }

    /// <summary>A manager acts only on its own stores' orders; refused before anything changes.</summary>
    private static DomainError? OutOfScope(HttpContext context, string? storeId) =>
        storeId is null ? null : Documents.DocumentRequests.OutOfScope(context, storeId);

    private static async Task<DomainError?> OrderOutOfScopeAsync(HttpContext context, IPurchaseOrderGrain order) =>
        context.GetApiCaller() is { IsAdmin: false } && await order.GetAsync() is { } existing ? OutOfScope(context, existing.StoreId) : null;

    private static async Task<Results<Created<PurchaseOrderView>, Ok<PurchaseOrderView>, ProblemHttpResult>> CreatePurchaseOrder(
        PurchaseOrderBody body, IGrainFactory grains, KnownCatalog known, HttpContext context)
    {
        if ((OutOfScope(context, body.StoreId) ?? (body.Id is null ? null : await OrderOutOfScopeAsync(context, Order(grains, body.Id)))) is { } forbidden)
            return Problems.Of(forbidden);
        var error = Validation.First(Validation.ClientId(body.Id, "id"), Validation.Text(body.Supplier, "supplier", 256))
            ?? await known.CheckStoreAsync(body.StoreId ?? "")
            ?? await LinesErrorAsync(known, body.Lines);
        if (error is not null)
            return Problems.Of(error);
        return Answers.Created(await Order(grains, body.Id!).CreateAsync(body.StoreId!, body.Supplier!.Trim(), Lines(body.Lines!), draft: false));
    }

    private static async Task<Results<Ok<PurchaseOrderView>, ProblemHttpResult>> PlacePurchaseOrder(string id, IGrainFactory grains, HttpContext context) =>
        (Validation.ClientId(id, "id") ?? await OrderOutOfScopeAsync(context, Order(grains, id))) is { } error
            ? Problems.Of(error)
            : Answers.Of(await Order(grains, id).PlaceAsync());

    private static async Task<Results<Ok<PurchaseOrderView>, ProblemHttpResult>> ReceivePurchaseOrder(
        string id, DeliveryBody body, IGrainFactory grains, KnownCatalog known, HttpContext context)
    {
        var error = Validation.ClientId(id, "id") ?? await OrderOutOfScopeAsync(context, Order(grains, id)) ?? (body.Id is null ? null : Validation.ClientId(body.Id, "id")) ?? await LinesErrorAsync(known, body.Lines);
        if (error is not null)
            return Problems.Of(error);
        var order = Order(grains, id);
        if (await order.GetAsync() is not { } current)
            return Problems.NotFound($"Purchase order {id}");
        // Without a delivery id every call is a new delivery; send one to make retries safe.
        var deliveryId = body.Id ?? $"delivery-{current.Receipts + 1}";
        return Answers.Of(await order.ReceiveAsync(deliveryId, Lines(body.Lines!)));
    }

    private static async Task<Results<Ok<PurchaseOrderView>, ProblemHttpResult>> GetPurchaseOrder(string id, IGrainFactory grains, HttpContext context) =>
        Validation.ClientId(id, "id") is null && await Order(grains, id).GetAsync() is { } order
            ? OutOfScope(context, order.StoreId) is { } forbidden ? Problems.Of(forbidden) : TypedResults.Ok(order)
            : Problems.NotFound($"Purchase order {id}");

    private static List<PurchaseOrderLine> Lines(IReadOnlyList<OrderLineBody> lines) =>
        lines.Select(l => new PurchaseOrderLine(l.Sku!, l.Quantity!.Value)).ToList();

    private static async Task<DomainError?> LinesErrorAsync(KnownCatalog known, IReadOnlyList<OrderLineBody>? lines)
    {
        if (lines is not { Count: > 0 and <= 1000 })
            return new DomainError(ErrorCodes.ValidationFailed, "An order has 1 to 1000 lines.", "lines");
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            var error = line is null
                ? new DomainError(ErrorCodes.ValidationFailed, "A line is required.", $"lines[{i}]")
                : Validation.First(
                    Validation.Key(line.Sku, $"lines[{i}].sku"),
                    Validation.Required(line.Quantity, $"lines[{i}].quantity"),
                    Validation.Quantity(line.Quantity, $"lines[{i}].quantity"),
                    line.Quantity is <= 0 or > 1_000_000_000 ? new DomainError(ErrorCodes.ValidationFailed, "A quantity is greater than zero.", $"lines[{i}].quantity") : null)
                  ?? await known.CheckSkuAsync(line.Sku!);
            if (error is not null)
                return error;
        }
        return null;
    }
}
