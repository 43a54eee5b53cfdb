using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Retail.Api.Http;
using Retail.Common;
using Retail.Hosting;

namespace Retail.Api.Access;

/// <summary>
/// Each key gets <c>Retail:RateLimit:PermitsPerSecond</c> requests a second (a token bucket refilled
/// every second; 0 or less turns limiting off). Past it: 429 <c>rate_limited</c> with <c>Retry-After</c>.
/// The setting is read when a key's bucket is made, so a reloaded configuration applies to keys
/// that have not called since.
/// </summary>
public static class ApiRateLimits
{
    public static IServiceCollection AddApiRateLimits(this IServiceCollection services)
    {
        services.AddSettings<RateLimitOptions>();
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                context.GetApiCaller() is { } caller && PermitsPerSecond(context) is var permits and > 0
                    ? RateLimitPartition.GetTokenBucketLimiter(caller.KeyId, _ => new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = permits,
                        TokensPerPeriod = permits,
                        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                        QueueLimit = 0,
                        AutoReplenishment = true,
                    })
                    : RateLimitPartition.GetNoLimiter(""));
            options.OnRejected = (rejected, _) => RejectAsync(rejected);
        });
        return services;
    }

    private static int PermitsPerSecond(HttpContext context) =>
        context.RequestServices.GetRequiredService<IOptionsMonitor<RateLimitOptions>>().CurrentValue.PermitsPerSecond;

    private static async ValueTask RejectAsync(OnRejectedContext rejected)
    {
        var seconds = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
            : 1;
        rejected.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await Problems.Of(new DomainError(ErrorCodes.RateLimited,
            $"This key made more requests than it may in a second; retry in {seconds} s.")).ExecuteAsync(rejected.HttpContext);
    }
}

/// <summary>How many requests a second each key may make (<c>Retail:RateLimit:*</c>).</summary>
public sealed class RateLimitOptions : ISettingsSection<RateLimitOptions>
{
    public static string Section => "Retail:RateLimit";

    /// <summary>0 or less turns limiting off.</summary>
    public int PermitsPerSecond { get; set; } = 20_000;
}
