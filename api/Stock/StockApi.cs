using Microsoft.AspNetCore.Http.HttpResults;
using Retail.Access;
using Retail.Api.Access;
using Retail.Api.Catalog;
using Retail.Api.Http;
using Retail.Catalog;
using Retail.Common;
using Retail.Stock;

namespace Retail.Api.Stock;

public sealed record MovementRequest(string? Id, MovementType? Type, decimal? Quantity, string? Reason, DateTimeOffset? OccurredAt);

/// <summary><c>AsOf</c>: every change committed before this moment is in the view (it reconciles with the ledger every few seconds).</summary>
public sealed record StockPage(IReadOnlyList<StockLevel> Items, int Page, int PageSize, int Total, DateTimeOffset? AsOf);

public sealed record StoreQuantity(string StoreId, decimal OnHand, decimal Reserved, decimal Available, decimal Incoming);

public sealed record ChainStock(string Sku, decimal OnHand, decimal Reserved, decimal Available, decimal Incoming, IReadOnlyList<StoreQuantity> Stores,
    DateTimeOffset? AsOf);

public sealed record MovementView(
    string Id, MovementType Type, decimal Quantity, long Version,
    decimal OnHandDelta, decimal ReservedDelta, decimal IncomingDelta,
    decimal OnHandAfter, decimal ReservedAfter, decimal IncomingAfter,
    DateTimeOffset OccurredAt, DateTimeOffset RecordedAt, string? Reason, DocumentRef? Document)
{
    public static MovementView Of(StockMovementRecord r) => new(
        r.MovementId, r.Type, r.Quantity, r.Version, r.OnHandDelta, r.ReservedDelta, r.IncomingDelta,
        r.OnHandAfter, r.ReservedAfter, r.IncomingAfter, r.OccurredAt, r.RecordedAt, r.Reason, r.Document);
}

/// <summary>Stock reads, manual movements and their history (API.md, "Stock").</summary>
public static class StockApi
{
    /// <summary>The movement types a client may post directly; the rest come from documents (receipts, transfers, counts, orders).</summary>
    public static readonly IReadOnlySet<MovementType> ManualTypes =
        new HashSet<MovementType> { MovementType.GoodsReceipt, MovementType.WriteOff, MovementType.Correction };

    public static IEndpointRouteBuilder MapStockApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/v1").WithTags("Stock");
        // The body's faults come first here, then the pair: the store group's check would come before them.
        api.MapPost("/stores/{storeId}/stock/{sku}/movements", PostMovement).WithName("PostMovement")
            .WithSummary("Apply a goods receipt, write-off or correction (idempotent by id)")
            .RequireRole(ApiRole.Manager).ScopedToStore()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        var store = api.MapGroup("/stores/{storeId}").ScopedToStore().KnownStore()
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        store.MapGet("/stock/{sku}", GetLevel).WithName("GetStock").WithSummary("Stock of one SKU in one store")
            .RequireRole(ApiRole.Manager, ApiRole.Cashier).KnownSku();
        store.MapGet("/stock", ListStoreStock).WithName("ListStoreStock").WithSummary("Stock of a store, paged and filtered")
            .RequireRole(ApiRole.Manager, ApiRole.Cashier);
        store.MapGet("/stock/alerts", GetAlerts).WithName("GetStockAlerts").WithSummary("Recent stock.low and stock.negative events of a store")
            .RequireRole(ApiRole.Manager, ApiRole.Integration);
        store.MapGet("/e-receipts", GetEReceipts).WithName("GetEReceipts").WithSummary("E-receipts queued for buyers who gave an e-mail or phone")
            .RequireRole(ApiRole.Manager, ApiRole.Integration);
        store.MapGet("/stock/{sku}/movements", GetMovements).WithName("GetMovements").WithSummary("Movements of a pair, newest first")
            .RequireRole(ApiRole.Manager, ApiRole.Cashier).KnownSku();
        // Every store's stock at once: for admins, since other keys see only their own stores.
        api.MapGet("/skus/{sku}/stock", GetChainStock).WithName("GetChainStock").WithSummary("Stock of one SKU across the chain")
            .AdminOnly().KnownSku().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        return routes;
    }

    private static async Task<Ok<StockLevel>> GetLevel(string storeId, string sku, IGrainFactory grains) =>
        TypedResults.Ok(await grains.Get<IStockGrain>(GrainKeys.Stock(storeId, sku)).GetAsync());

    private static async Task<Results<Ok<StockPage>, ProblemHttpResult>> ListStoreStock(
        string storeId, IGrainFactory grains, bool? negative = null, bool? belowReorderPoint = null, int page = 1, int pageSize = 50)
    {
        if (page < 1)
            return Problems.Validation("page", "Pages are numbered from 1.");
        if (pageSize is < 1 or > 1000)
            return Problems.Validation("pageSize", "A page holds 1 to 1000 items.");
        var view = grains.Get<IStoreStockGrain>(GrainKeys.Store(storeId));
        var asOf = await view.ReconciledAtAsync();
        var levels = (await view.ListAsync())
            .Where(l => negative != true || l.OnHand < 0)
            .Where(l => negative != false || l.OnHand >= 0)
            .OrderBy(l => l.Sku, StringComparer.Ordinal)
            .ToList();
        if (belowReorderPoint is { } below)
        {
            // Reorder points come from procurement; a SKU without one is never below it.
            var reorderPoints = await grains.Get<IStoreStockGrain>(GrainKeys.Store(storeId)).ReorderPointsAsync();
            levels = levels.Where(l => below == (reorderPoints.TryGetValue(l.Sku, out var point) && l.Available + l.Incoming < point)).ToList();
        }
        var items = levels.Skip((page - 1) * pageSize).Take(pageSize).ToList();
        return TypedResults.Ok(new StockPage(items, page, pageSize, levels.Count, asOf));
    }

    private static async Task<Ok<IReadOnlyList<StockAlert>>> GetAlerts(string storeId, IGrainFactory grains) =>
        TypedResults.Ok(await grains.Get<IStoreStockGrain>(GrainKeys.Store(storeId)).RecentAlertsAsync());

    private static async Task<Ok<IReadOnlyList<Retail.Registers.EReceipt>>> GetEReceipts(string storeId, IGrainFactory grains) =>
        TypedResults.Ok(await grains.Get<Retail.Registers.IEReceiptOutboxGrain>(GrainKeys.Store(storeId)).ListAsync());

    private static async Task<Ok<ChainStock>> GetChainStock(string sku, IGrainFactory grains)
    {
        var view = grains.Get<ISkuStockGrain>(GrainKeys.Sku(sku));
        var asOf = await view.ReconciledAtAsync();
        var levels = (await view.ListAsync()).OrderBy(l => l.StoreId, StringComparer.Ordinal).ToList();
        return TypedResults.Ok(new ChainStock(sku,
            levels.Sum(l => l.OnHand), levels.Sum(l => l.Reserved), levels.Sum(l => l.Available), levels.Sum(l => l.Incoming),
            levels.Select(l => new StoreQuantity(l.StoreId, l.OnHand, l.Reserved, l.Available, l.Incoming)).ToList(), asOf));
    }

    private static async Task<Results<Ok<StockLevel>, ProblemHttpResult>> PostMovement(
        string storeId, string sku, MovementRequest request, IGrainFactory grains, KnownCatalog known)
    {
        var invalid = ManualMovementError(request);
        if (invalid is not null)
            return Problems.Of(invalid);
        if (await known.CheckPairAsync(storeId, sku) is { } unknown)
            return Problems.Of(unknown);

        var movement = ManualMovement(request);
        var result = await grains.Get<IStockGrain>(GrainKeys.Stock(storeId, sku)).ApplyAsync(movement);
        return result.Error is { } error ? Problems.Of(error) : TypedResults.Ok(result.Value!.LevelAfter);
    }

    /// <summary>Why a goods receipt, write-off or correction is refused, if it is: the endpoint and the stock import share it.</summary>
    public static DomainError? ManualMovementError(MovementRequest request) =>
        Validation.First(
            Validation.ClientId(request.Id, "id"),
            Validation.Required(request.Type, "type"),
            request.Type is { } type && !ManualTypes.Contains(type)
                ? new DomainError(ErrorCodes.ValidationFailed, "Post goodsReceipt, writeOff or correction here; other movements come from their documents.", "type")
                : null,
            Validation.Required(request.Quantity, "quantity"),
            Validation.Text(request.Reason, "reason", StockRules.MaxReasonLength, required: false));

    public static StockMovement ManualMovement(MovementRequest request) =>
        new(request.Id!, request.Type!.Value, request.Quantity!.Value, request.Reason, new DocumentRef("manual", request.Id!), request.OccurredAt);

    private static async Task<Results<Ok<List<MovementView>>, ProblemHttpResult>> GetMovements(string storeId, string sku, IGrainFactory grains,
        int limit = 50, long? before = null)
    {
        if (limit is < 1 or > 1000)
            return Problems.Validation("limit", "A limit is 1 to 1000.");
        if (before is < 1)
            return Problems.Validation("before", "'before' is a movement version, 1 or more.");
        var records = await grains.Get<IStockGrain>(GrainKeys.Stock(storeId, sku)).HistoryAsync(limit, before);
        return TypedResults.Ok(records.Select(MovementView.Of).ToList());
    }
}
