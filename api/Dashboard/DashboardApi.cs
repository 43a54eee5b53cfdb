using Microsoft.AspNetCore.Http.HttpResults;
using Retail.Api.Access;
using Retail.Catalog;
using Retail.Common;

namespace Retail.Api.Dashboard;

/// <summary>What a key is and may see: the dashboard shows exactly this (the API refuses the rest anyway).</summary>
public sealed record CallerView(string KeyId, string Role, IReadOnlyList<Store> Stores, IReadOnlyList<string> RegisterIds);

/// <summary>
/// The live dashboard at <c>/</c>: static files served from the API assembly, and the one call it
/// needs besides the public API, <c>GET /api/v1/me</c>.
/// </summary>
public static class DashboardApi
{
    /// <summary>Only these may run on the page; it talks to nothing but this server.</summary>
    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; connect-src 'self'; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    public static IServiceCollection AddDashboard(this IServiceCollection services) => services.AddSingleton<DashboardAssets>();

    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/", ServeIndex).ExcludeFromDescription();
        routes.MapGet("/assets/{version}/{**name}", ServeAsset).ExcludeFromDescription();
        return routes;
    }

    /// <summary>Mapped on the API group, with its shared problem responses and retry.</summary>
    public static IEndpointRouteBuilder MapCallerApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/v1/me", Me).WithTags("API keys").WithName("GetCaller")
            .WithSummary("The calling key: its role, the stores it may read and the registers it works on")
            .AllowAnyRole();
        return routes;
    }

    private static IResult ServeIndex(HttpContext context, DashboardAssets assets)
    {
        var headers = context.Response.Headers;
        // Revalidated on every visit, so a new deployment's assets are picked up at once.
        headers.CacheControl = "no-cache";
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        return Send(context, assets.Index);
    }

    private static IResult ServeAsset(string version, string name, HttpContext context, DashboardAssets assets)
    {
        if (assets.Find(name) is not { } asset)
            return TypedResults.NotFound();
        // The current files under their version never change; under an older one (a page from before a
        // deployment) they are today's files, so those must not be kept.
        context.Response.Headers.CacheControl = version == assets.Version ? "public, max-age=31536000, immutable" : "no-cache";
        context.Response.Headers.XContentTypeOptions = "nosniff";
        return Send(context, asset);
    }

    private static IResult Send(HttpContext context, DashboardAsset asset)
    {
        context.Response.Headers.ETag = asset.ETag;
        if (context.Request.Headers.IfNoneMatch.Any(tag => tag == asset.ETag))
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        return TypedResults.Bytes(asset.Content, asset.ContentType);
    }

    private static async Task<Ok<CallerView>> Me(HttpContext context, IGrainFactory grains)
    {
        var caller = context.GetApiCaller()!;
        IEnumerable<string> ids = caller.IsAdmin ? await grains.Get<IChainGrain>(GrainKeys.Chain).StoreIdsAsync() : caller.StoreIds;
        var stores = await Task.WhenAll(ids.Select(id => grains.Get<IStoreGrain>(GrainKeys.Store(id)).GetAsync()));
        return TypedResults.Ok(new CallerView(caller.KeyId, ApiAccess.Name(caller.Role),
            stores.OfType<Store>().OrderBy(s => s.StoreId, StringComparer.Ordinal).ToList(),
            caller.RegisterIds.Order(StringComparer.Ordinal).ToList()));
    }
}
