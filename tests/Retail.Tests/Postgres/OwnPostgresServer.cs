using Npgsql;

namespace Retail.Tests.Postgres;

/// <summary>
/// A PostgreSQL server of a test's own (not the shared one), which the test may stop and start again
/// to play an outage. The shared fixture only makes sure PostgreSQL is installed first.
/// </summary>
public sealed class OwnPostgresServer : IAsyncDisposable
{
    private readonly string directory;

    private OwnPostgresServer(string directory, string connectionString)
    {
        this.directory = directory;
        ConnectionString = connectionString;
    }

    public string ConnectionString { get; }

    public static async Task<OwnPostgresServer> StartAsync(PostgresServer installed)
    {
        _ = installed;
        var directory = Path.Combine(Path.GetTempPath(), "retail-orleans-pg-own-" + Guid.NewGuid().ToString("N")[..12]);
        return new OwnPostgresServer(directory, (await PostgresServer.RunThrowawayScriptAsync("start", directory)).Trim());
    }

    public Task PauseAsync() => PostgresServer.RunThrowawayScriptAsync("pause", directory);

    public Task ResumeAsync() => PostgresServer.RunThrowawayScriptAsync("resume", directory);

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await PostgresServer.RunThrowawayScriptAsync("stop", directory);
    }
}
