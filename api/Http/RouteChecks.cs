using Retail.Api.Catalog;
using Retail.Common;

namespace Retail.Api.Http;

/// <summary>
/// Checks of a route value declared where routes are declared, as an endpoint filter on a group or an endpoint:
/// its handler runs only for a value that passed, and does not check it again. For endpoints that check the
/// route first; one that answers its body's or query's faults first keeps its own check.
/// </summary>
public static class RouteChecks
{
    /// <summary>The store of the route is well formed (400) and known (404 <c>unknown_store</c>).</summary>
    public static TBuilder KnownStore<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.Check("storeId", (known, storeId) => known.CheckStoreAsync(storeId));

    /// <summary>The SKU of the route is well formed (400) and known (404 <c>unknown_sku</c>).</summary>
    public static TBuilder KnownSku<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.Check("sku", (known, sku) => known.CheckSkuAsync(sku));

    /// <summary>The register id of the route is well formed (400); whether it is registered is the register's own answer.</summary>
    public static TBuilder WellFormedRegisterId<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.Check("registerId", (_, registerId) => Task.FromResult(Validation.Key(registerId, "registerId")));

    private static TBuilder Check<TBuilder>(this TBuilder builder, string parameter, Func<KnownCatalog, string, Task<DomainError?>> check)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var value = http.Request.RouteValues[parameter] as string ?? "";
            return await check(http.RequestServices.GetRequiredService<KnownCatalog>(), value) is { } refused
                ? Problems.Of(refused)
                : await next(context);
        });
}
