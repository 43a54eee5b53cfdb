using Microsoft.Extensions.Options;
using Retail.Hosting;

namespace Retail.Api.Access;

/// <summary>Who may call the API (<c>Retail:Auth:*</c>).</summary>
public sealed class AuthOptions : ISettingsSection<AuthOptions>
{
    public static string Section => "Retail:Auth";

    /// <summary>The operator's bearer token; unset, only the embedded mode falls back to <see cref="Access.AdminToken.EmbeddedDefault"/>.</summary>
    public string? AdminToken { get; set; }

    /// <summary>How long a key lookup (also a miss) is cached by <see cref="ApiCallers"/>.</summary>
    public int KeyCacheSeconds { get; set; } = 5;

    public static IReadOnlyList<SettingRule<AuthOptions>> Rules { get; } =
        [new(nameof(KeyCacheSeconds), o => o.KeyCacheSeconds > 0, "a whole number of seconds, at least 1")];
}

public static class ApiAuth
{
    /// <summary>The admin token and the key lookup; a durable deployment (PostgreSQL, or a client of a cluster) does not start without its own token.</summary>
    public static IServiceCollection AddApiCallers(this IServiceCollection services, bool durable)
    {
        services.AddSettings<AuthOptions>().Validate(options => !durable || !string.IsNullOrWhiteSpace(options.AdminToken),
            "Set Retail:Auth:AdminToken (Retail__Auth__AdminToken): a durable deployment needs its own admin token.");
        services.AddSingleton(provider => provider.GetRequiredService<IOptions<AuthOptions>>().Value.AdminToken is { } token && !string.IsNullOrWhiteSpace(token)
            ? new AdminToken(token)
            : new AdminToken(AdminToken.EmbeddedDefault));
        services.AddSingleton<ApiCallers>();
        return services;
    }
}
