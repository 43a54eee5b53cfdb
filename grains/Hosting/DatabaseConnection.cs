using Microsoft.Extensions.Configuration;
using Npgsql;

namespace Retail.Hosting;

/// <summary>
/// The one place the PostgreSQL connection string is built: every data source and every Orleans
/// ADO.NET provider of a process uses it, so the pool bound and the timeouts hold for all of them.
/// </summary>
public static class DatabaseConnection
{
    /// <summary>Opening a connection to a server that is away fails within this, rather than Npgsql's 15 s.</summary>
    public const int ConnectTimeoutSeconds = 3;

    /// <summary>A statement that has not finished within this fails, rather than after Npgsql's 30 s.</summary>
    public const int CommandTimeoutSeconds = 5;

    /// <summary>The configured connection string with the pool bound and timeouts applied; null in the embedded mode.</summary>
    public static string? ConnectionString(IConfiguration configuration)
    {
        var configured = configuration.GetConnectionString(RetailSilo.ConnectionStringName);
        if (string.IsNullOrWhiteSpace(configured))
            return null;
        return new NpgsqlConnectionStringBuilder(configured)
        {
            MaxPoolSize = configuration.ReadSettings<DatabaseOptions>().MaxPoolSize,
            Timeout = ConnectTimeoutSeconds,
            CommandTimeout = CommandTimeoutSeconds,
        }.ConnectionString;
    }
}

/// <summary>The PostgreSQL pools of a process (<c>Retail:Database:*</c>).</summary>
public sealed class DatabaseOptions : ISettingsSection<DatabaseOptions>
{
    public static string Section => "Retail:Database";

    /// <summary>Each process has two pools (the data source and the Orleans providers): ten processes at 2 x 4 fit PostgreSQL's default max_connections of 100, with room for maintenance.</summary>
    public int MaxPoolSize { get; set; } = 4;

    public static IReadOnlyList<SettingRule<DatabaseOptions>> Rules { get; } =
        [new(nameof(MaxPoolSize), o => o.MaxPoolSize > 0, "a number of connections, at least 1")];
}
