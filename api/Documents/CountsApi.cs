using Microsoft.AspNetCore.Http.HttpResults;
using Retail.Access;
using Retail.Api.Access;
using Retail.Api.Catalog;
using Retail.Api.Http;
using Retail.Api.Stock;
using Retail.Common;
using Retail.Documents;

namespace Retail.Api.Documents;

public sealed record CountLineBody(string? Sku, decimal? Counted, decimal? ExpectedOnHand);

public sealed record CountBody(string? Id, string? Scope, IReadOnlyList<CountLineBody>? Lines);

/// <summary>Physical counts of a store (API.md, "Documents"): posted in one step, answered with the discrepancy report.</summary>
public static class CountsApi
{
    public static IEndpointRouteBuilder MapCountsApi(this IEndpointRouteBuilder routes)
    {
        var counts = routes.MapGroup("/api/v1/stores/{storeId}/counts").WithTags("Documents").RequireRole(ApiRole.Manager).ScopedToStore();
        counts.MapPost("", Post).WithName("PostCount")
            .WithSummary("Post a count: countAdjustment per line; a stale line is refused on its own (stale_quantity)")
            .WithDescription("`scope` is `partial` (default: only the lines listed) or `full` (a SKU in stock that is not listed counts as zero). " +
                             "A line may carry `expectedOnHand`, the figure the counter saw: if onHand differs when the line posts, " +
                             "that line is refused with `stale_quantity` and the others post.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        counts.MapGet("/{id}", Get).WithName("GetCount").WithSummary("A posted count's discrepancy report")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return routes;
    }

    private static async Task<Results<Created<CountReport>, Ok<CountReport>, ProblemHttpResult>> Post(
        string storeId, CountBody body, IGrainFactory grains, KnownCatalog known)
    {
        var scope = body.Scope ?? CountScopes.Partial;
        var error = Validation.ClientId(body.Id, "id") ?? await known.CheckStoreAsync(storeId)
            ?? DocumentRequests.Lines(body.Lines, "lines", (line, at) => Validation.First(Validation.Key(line.Sku, $"{at}.sku"), Validation.Required(line.Counted, $"{at}.counted")));
        if (error is not null)
            return Problems.Of(error);
        var lines = body.Lines!.Select(l => new CountLine(l.Sku!, l.Counted!.Value, l.ExpectedOnHand)).ToList();
        if ((Counts.Check(scope, lines) ?? await DocumentRequests.UnknownSkuAsync(known, lines.Select(l => l.Sku), "lines")) is { } invalid)
            return Problems.Of(invalid);
        return Answers.Created(await grains.Get<ICountGrain>(GrainKeys.Count(storeId, body.Id!)).PostAsync(scope, lines));
    }

    private static async Task<Results<Ok<CountReport>, ProblemHttpResult>> Get(string storeId, string id, IGrainFactory grains) =>
        Validation.ClientId(id, "id") is null && Validation.Key(storeId, "storeId") is null
        && await grains.Get<ICountGrain>(GrainKeys.Count(storeId, id)).GetAsync() is { } report
            ? TypedResults.Ok(report)
            : Problems.NotFound($"Count {id}");
}
