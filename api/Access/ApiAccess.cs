using Retail.Access;
using Retail.Api.Http;
using Retail.Common;

namespace Retail.Api.Access;

/// <summary>The roles besides admin that may call an endpoint. An endpoint without it is for admins only.</summary>
public sealed record AllowedRoles(IReadOnlySet<ApiRole> Roles);

/// <summary>The route (or query) value naming the store a non-admin caller must be scoped to.</summary>
public sealed record StoreScope(string Parameter);

/// <summary>The route (or query) value naming the register a non-admin caller must be scoped to.</summary>
public sealed record RegisterScope(string Parameter);

/// <summary>Access rules declared where routes are declared (API.md, "Authentication").</summary>
public static class AccessConventions
{
    public static TBuilder RequireRole<TBuilder>(this TBuilder builder, params ApiRole[] roles) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new AllowedRoles(roles.ToHashSet()));

    public static TBuilder AllowAnyRole<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireRole(Enum.GetValues<ApiRole>());

    /// <summary>Overrides a group's wider rule for one endpoint.</summary>
    public static TBuilder AdminOnly<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireRole();

    public static TBuilder ScopedToStore<TBuilder>(this TBuilder builder, string parameter = "storeId") where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new StoreScope(parameter));

    public static TBuilder ScopedToRegister<TBuilder>(this TBuilder builder, string parameter = "registerId") where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RegisterScope(parameter));
}

/// <summary>
/// The two steps every <c>/api</c> request passes before its handler: who is calling (401), and
/// whether the endpoint's metadata lets that caller act on that store or register (403). The rate
/// limiter runs between them, partitioned by the caller. A refused request never reaches a
/// handler, so it changes nothing.
/// </summary>
public static class ApiAccess
{
    public static async Task AuthenticateAsync(HttpContext context, RequestDelegate next)
    {
        if (!context.Request.Path.StartsWithSegments("/api"))
        {
            await next(context);
            return;
        }
        var header = context.Request.Headers.Authorization.ToString();
        var caller = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && header["Bearer ".Length..].Trim() is { Length: > 0 } token
            ? await context.RequestServices.GetRequiredService<ApiCallers>().FindAsync(token)
            : null;
        if (caller is null)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await Problems.Of(new DomainError(ErrorCodes.Unauthorized, "Send 'Authorization: Bearer <token>' with a valid token.")).ExecuteAsync(context);
            return;
        }
        context.Features.Set(caller);
        await next(context);
    }

    public static async Task AuthorizeAsync(HttpContext context, RequestDelegate next)
    {
        if (context.GetApiCaller() is { } caller && context.GetEndpoint() is { } endpoint && Refusal(caller, endpoint, context) is { } refusal)
        {
            await Problems.Of(new DomainError(ErrorCodes.Forbidden, refusal)).ExecuteAsync(context);
            return;
        }
        await next(context);
    }

    /// <summary>Why the caller may not use this endpoint with these values, or null when it may.</summary>
    public static string? Refusal(ApiCaller caller, Endpoint endpoint, HttpContext context)
    {
        if (caller.IsAdmin)
            return null;
        var roles = endpoint.Metadata.GetMetadata<AllowedRoles>()?.Roles;
        if (roles is null || !roles.Contains(caller.Role))
            return $"A {Name(caller.Role)} key may not use this endpoint.";
        foreach (var scope in endpoint.Metadata.GetOrderedMetadata<StoreScope>())
        {
            var storeId = ValueOf(context, scope.Parameter);
            if (storeId is null || !caller.MayUseStore(storeId))
                return $"This key is not scoped to store '{storeId}'.";
        }
        foreach (var scope in endpoint.Metadata.GetOrderedMetadata<RegisterScope>())
        {
            var registerId = ValueOf(context, scope.Parameter);
            if (registerId is null || !caller.MayUseRegister(registerId))
                return $"This key is not scoped to register '{registerId}'.";
        }
        return null;
    }

    private static string? ValueOf(HttpContext context, string parameter) =>
        context.Request.RouteValues.TryGetValue(parameter, out var value) && value is string routed
            ? routed
            : context.Request.Query.TryGetValue(parameter, out var query) && query.Count == 1 ? query[0] : null;

    public static string Name(ApiRole role) => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(role.ToString());
}
