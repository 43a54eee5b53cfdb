using System.Security.Cryptography;
using System.Text;
using Retail.Orleans.Common;

namespace Retail.Orleans.Api.Http;

/// <summary>
/// Bearer authentication of every <c>/api</c> call. The admin token comes from
/// <c>Retail:Auth:AdminToken</c>; a refused call never reaches a handler, so it changes nothing.
/// </summary>
public sealed class AdminToken(string token)
{
    /// <summary>Only the embedded demo mode may fall back to this well-known token.</summary>
    public const string EmbeddedDefault = "dev-admin-token";

    private readonly byte[] expected = Encoding.UTF8.GetBytes(token);

    public bool Matches(string presented) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), expected);

    public static async Task Authenticate(HttpContext context, RequestDelegate next)
    {
        if (!context.Request.Path.StartsWithSegments("/api"))
        {
            await next(context);
            return;
        }
        var header = context.Request.Headers.Authorization.ToString();
        var admin = context.RequestServices.GetRequiredService<AdminToken>();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || !admin.Matches(header["Bearer ".Length..].Trim()))
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await Problems.Of(new DomainError(ErrorCodes.Unauthorized, "Send 'Authorization: Bearer <token>' with a valid token.")).ExecuteAsync(context);
            return;
        }
        await next(context);
    }
}
