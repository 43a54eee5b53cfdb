using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Orleans.Dashboard;
using Retail.Api.Access;
using Retail.Hosting;

namespace Retail.Api.Dashboard;

/// <summary>
/// The official Orleans dashboard at <c>/orleans/</c>, for admin keys only, when
/// <c>Retail:Dashboard:Orleans</c> is set and the API hosts its silo. Its own page calls its own
/// endpoints without our bearer header, so an admin first asks for a ticket
/// (<c>POST /api/v1/dashboard/orleans-session</c>): an HttpOnly cookie for <c>/orleans</c>, valid an
/// hour, signed with a secret derived from the admin token (so every API node accepts it), naming the
/// key, which must still be an admin key on every request.
/// </summary>
public static class OrleansDashboard
{
    public const string Prefix = "/orleans";
    public const string CookieName = "retail-orleans-dashboard";
    public static readonly TimeSpan TicketLifetime = TimeSpan.FromHours(1);
    private const string Purpose = "orleans-dashboard-ticket";

    private sealed record Enabled;

    public static WebApplicationBuilder AddOrleansDashboard(this WebApplicationBuilder builder, RetailClusterOptions cluster)
    {
        if (!builder.Configuration.ReadSettings<RetailDashboardOptions>().Orleans || cluster.IsClient)
            return builder;
        builder.UseOrleans(silo => silo.AddDashboard());
        builder.Services.AddSingleton<Enabled>();
        return builder;
    }

    public static WebApplication UseOrleansDashboard(this WebApplication app, RouteGroupBuilder api)
    {
        if (app.Services.GetService<Enabled>() is null)
            return app;
        app.UseWhen(context => context.Request.Path.StartsWithSegments(Prefix), branch => branch.Use(RequireTicketAsync));
        app.MapOrleansDashboard(routePrefix: Prefix);
        api.MapPost("/api/v1/dashboard/orleans-session", IssueTicket).WithTags("API keys").WithName("OpenOrleansDashboard")
            .WithSummary("An hour's cookie that opens the Orleans dashboard at /orleans/ in this browser (admins)");
        return app;
    }

    private static NoContent IssueTicket(HttpContext context, AdminToken admin, TimeProvider clock)
    {
        var caller = context.GetApiCaller()!;
        var expires = clock.GetUtcNow() + TicketLifetime;
        context.Response.Cookies.Append(CookieName, Ticket(admin, caller.KeyId, expires), new CookieOptions
        {
            HttpOnly = true,
            Secure = context.Request.IsHttps,
            SameSite = SameSiteMode.Strict,
            Path = Prefix,
            Expires = expires,
        });
        return TypedResults.NoContent();
    }

    private static string Ticket(AdminToken admin, string keyId, DateTimeOffset expires)
    {
        var body = $"{keyId}.{expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)}";
        return $"{body}.{Convert.ToHexStringLower(HMACSHA256.HashData(admin.DeriveKey(Purpose), Encoding.UTF8.GetBytes(body)))}";
    }

    private static async Task RequireTicketAsync(HttpContext context, RequestDelegate next)
    {
        var services = context.RequestServices;
        if (!await IsAdminTicketAsync(context.Request.Cookies[CookieName], services.GetRequiredService<AdminToken>(),
                services.GetRequiredService<ApiCallers>(), services.GetRequiredService<TimeProvider>()))
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync("Open the Orleans dashboard from the dashboard's Operations view (#/ops) with an admin key.");
            return;
        }
        await next(context);
    }

    private static async Task<bool> IsAdminTicketAsync(string? ticket, AdminToken admin, ApiCallers callers, TimeProvider clock)
    {
        var parts = ticket?.Split('.');
        if (parts is not { Length: 3 } || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            return false;
        var expires = DateTimeOffset.FromUnixTimeSeconds(seconds);
        var expected = Encoding.ASCII.GetBytes(Ticket(admin, parts[0], expires));
        if (!CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(ticket!)) || expires <= clock.GetUtcNow())
            return false;
        // A revoked key's ticket stops working with it.
        return parts[0] == ApiCaller.Operator.KeyId || (await callers.FindByIdAsync(parts[0]))?.Caller.IsAdmin == true;
    }
}

/// <summary>What the API serves besides its own dashboard (<c>Retail:Dashboard:*</c>).</summary>
public sealed class RetailDashboardOptions : ISettingsSection<RetailDashboardOptions>
{
    public static string Section => "Retail:Dashboard";

    /// <summary>Mounts the Orleans dashboard at <see cref="OrleansDashboard.Prefix"/> (only where the API hosts its silo).</summary>
    public bool Orleans { get; set; }
}
