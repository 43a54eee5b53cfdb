using Microsoft.AspNetCore.Http.HttpResults;
using Retail.Access;
using Retail.Api.Access;
using Retail.Api.Catalog;
using Retail.Api.Http;
using Retail.Api.Stock;
using Retail.Common;
using Retail.Documents;

namespace Retail.Api.Documents;

public sealed record DocumentLineBody(string? Sku, decimal? Quantity);

public sealed record TransferBody(string? Id, string? FromStoreId, string? ToStoreId, IReadOnlyList<DocumentLineBody>? Lines);

public sealed record TransferReceiptBody(IReadOnlyList<DocumentLineBody>? Lines);

/// <summary>
/// Transfers between stores (API.md, "Documents"). A manager acts for its stores: the source ships, creates
/// and cancels; the destination receives; either end reads.
/// </summary>
public static class TransfersApi
{
    public static IEndpointRouteBuilder MapTransfersApi(this IEndpointRouteBuilder routes)
    {
        var transfers = routes.MapGroup("/api/v1/transfers").WithTags("Documents").RequireRole(ApiRole.Manager);
        transfers.MapPost("", Create).WithName("CreateTransfer").WithSummary("Create a draft transfer from one store to another")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        transfers.MapPost("/{id}/ship", Ship).WithName("ShipTransfer")
            .WithSummary("Ship it: transferOut at the source, incoming at the destination, in one step")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        transfers.MapPost("/{id}/receive", Receive).WithName("ReceiveTransfer")
            .WithSummary("Receive it (no lines: all as shipped); what did not arrive is lost in transit")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        transfers.MapPost("/{id}/cancel", Cancel).WithName("CancelTransfer").WithSummary("Cancel a draft")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        transfers.MapGet("/{id}", Get).WithName("GetTransfer").WithSummary("A transfer with what was sent, received and lost")
            .ProducesProblem(StatusCodes.Status404NotFound);
        transfers.MapGet("", List).WithName("ListTransfers").WithSummary("A store's transfers, either end, newest first")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        return routes;
    }

    private static ITransferGrain Transfer(IGrainFactory grains, string id) => grains.Get<ITransferGrain>(GrainKeys.Transfer(id));

    private static async Task<Results<Created<TransferView>, Ok<TransferView>, ProblemHttpResult>> Create(
        TransferBody body, IGrainFactory grains, KnownCatalog known, HttpContext context)
    {
        var error = Validation.First(Validation.ClientId(body.Id, "id"), Validation.Key(body.FromStoreId, "fromStoreId"), Validation.Key(body.ToStoreId, "toStoreId"))
            ?? DocumentRequests.OutOfScope(context, body.FromStoreId!)
            ?? (body.Lines is null ? DocumentRequests.Lines(null, "lines") : null)
            ?? await known.CheckStoreAsync(body.FromStoreId!)
            ?? await known.CheckStoreAsync(body.ToStoreId!);
        if (error is not null)
            return Problems.Of(error);
        var (lines, invalid) = await DocumentRequests.CheckLinesAsync(known, body.Lines, "lines");
        if (invalid is not null)
            return Problems.Of(invalid);
        return Answers.Created(await Transfer(grains, body.Id!).CreateAsync(body.FromStoreId!, body.ToStoreId!, lines!));
    }

    private static Task<Results<Ok<TransferView>, ProblemHttpResult>> Ship(string id, IGrainFactory grains, HttpContext context) =>
        ActAsync(id, grains, context, t => t.FromStoreId, transfer => transfer.ShipAsync());

    private static Task<Results<Ok<TransferView>, ProblemHttpResult>> Cancel(string id, IGrainFactory grains, HttpContext context) =>
        ActAsync(id, grains, context, t => t.FromStoreId, transfer => transfer.CancelAsync());

    private static async Task<Results<Ok<TransferView>, ProblemHttpResult>> Receive(
        string id, TransferReceiptBody? body, IGrainFactory grains, KnownCatalog known, HttpContext context)
    {
        IReadOnlyList<DocumentLine>? lines = null;
        if (body?.Lines is not null)
        {
            var (checkedLines, invalid) = await DocumentRequests.CheckLinesAsync(known, body.Lines, "lines", allowZero: true);
            if (invalid is not null)
                return Problems.Of(invalid);
            lines = checkedLines;
        }
        return await ActAsync(id, grains, context, t => t.ToStoreId, transfer => transfer.ReceiveAsync(lines));
    }

    /// <summary>A transition, after the caller's scope is checked against the end of the transfer that makes it.</summary>
    private static async Task<Results<Ok<TransferView>, ProblemHttpResult>> ActAsync(
        string id, IGrainFactory grains, HttpContext context, Func<TransferView, string> end, Func<ITransferGrain, Task<Outcome<TransferView>>> act)
    {
        if (Validation.ClientId(id, "id") is { } invalid)
            return Problems.Of(invalid);
        var transfer = Transfer(grains, id);
        if (await transfer.GetAsync() is not { } current)
            return Problems.NotFound($"Transfer {id}");
        if (DocumentRequests.OutOfScope(context, end(current)) is { } forbidden)
            return Problems.Of(forbidden);
        return Answers.Of(await act(transfer));
    }

    private static async Task<Results<Ok<TransferView>, ProblemHttpResult>> Get(string id, IGrainFactory grains, HttpContext context)
    {
        if (Validation.ClientId(id, "id") is null && await Transfer(grains, id).GetAsync() is { } transfer)
            return DocumentRequests.OutOfScope(context, transfer.FromStoreId) is null || DocumentRequests.OutOfScope(context, transfer.ToStoreId) is null
                ? TypedResults.Ok(transfer)
                : Problems.Of(DocumentRequests.OutOfScope(context, transfer.FromStoreId)!);
        return Problems.NotFound($"Transfer {id}");
    }

    private static async Task<Results<Ok<IReadOnlyList<TransferView>>, ProblemHttpResult>> List(
        IGrainFactory grains, KnownCatalog known, HttpContext context, string? storeId = null, string? status = null, int limit = 100)
    {
        var error = Validation.Key(storeId, "storeId")
            ?? (status is null || TransferStatus.All.Contains(status) ? null
                : new DomainError(ErrorCodes.ValidationFailed, $"A status is one of {string.Join(", ", TransferStatus.All)}.", "status"))
            ?? (limit is < 1 or > 1000 ? new DomainError(ErrorCodes.ValidationFailed, "A limit is 1 to 1000.", "limit") : null)
            ?? DocumentRequests.OutOfScope(context, storeId!)
            ?? await known.CheckStoreAsync(storeId!);
        if (error is not null)
            return Problems.Of(error);
        return TypedResults.Ok(await grains.Get<ITransferListGrain>(GrainKeys.Store(storeId!)).ListAsync(status, limit));
    }
}
