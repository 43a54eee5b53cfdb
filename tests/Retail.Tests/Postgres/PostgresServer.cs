using System.Diagnostics;
using Npgsql;
using Retail.Hosting;

namespace Retail.Tests.Postgres;

/// <summary>Test classes that need PostgreSQL join this collection and receive the shared server.</summary>
[CollectionDefinition(PostgresServer.Collection)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
}

/// <summary>
/// One PostgreSQL server for the whole test run. RETAIL_TEST_POSTGRES names an existing server;
/// without it a throwaway server is started from deploy/throwaway-postgres.sh and removed at the
/// end. Every test takes its own fresh database from <see cref="CreateDatabaseAsync"/>, so tests
/// never see each other's rows. There is no skipping: no server means failing tests.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    public const string Collection = "postgres";
    public const string ServerVariable = "RETAIL_TEST_POSTGRES";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(5);

    private readonly List<string> _databases = [];
    private string? _throwawayDirectory;
    private static string? _repositoryRoot;
    private NpgsqlDataSource? _server;

    /// <summary>Connection string to the server's maintenance database.</summary>
    public string ServerConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var configured = Environment.GetEnvironmentVariable(ServerVariable);
        if (string.IsNullOrWhiteSpace(configured))
        {
            _throwawayDirectory = Path.Combine(Path.GetTempPath(), "retail-orleans-pg-" + Guid.NewGuid().ToString("N")[..12]);
            configured = await RunThrowawayScriptAsync("start", _throwawayDirectory);
        }
        ServerConnectionString = configured.Trim();
        _server = NpgsqlDataSource.Create(ServerConnectionString);
        await using var probe = _server.CreateCommand("SELECT 1");
        await probe.ExecuteScalarAsync();
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_throwawayDirectory is not null)
        {
            // The whole server goes, and its databases with it.
            if (_server is not null) await _server.DisposeAsync();
            await RunThrowawayScriptAsync("stop", _throwawayDirectory);
            return;
        }
        if (_server is null) return;
        foreach (var database in _databases)
        {
            await using var drop = _server.CreateCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)");
            await drop.ExecuteNonQueryAsync();
        }
        await _server.DisposeAsync();
    }

    /// <summary>A new database with the full schema applied; returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var connectionString = await CreateEmptyDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await DatabaseSchema.ApplyAsync(dataSource);
        return connectionString;
    }

    /// <summary>A new database without any schema; returns its connection string.</summary>
    public async Task<string> CreateEmptyDatabaseAsync()
    {
        var server = _server ?? throw new InvalidOperationException("The PostgreSQL server is not initialised.");
        var name = "retail_test_" + Guid.NewGuid().ToString("N")[..16];
        await using (var create = server.CreateCommand($"CREATE DATABASE \"{name}\""))
        {
            await create.ExecuteNonQueryAsync();
        }
        lock (_databases) _databases.Add(name);
        return new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>Runs deploy/throwaway-postgres.sh (start, pause, resume, stop) on a server directory; returns its output.</summary>
    internal static async Task<string> RunThrowawayScriptAsync(string action, string directory)
    {
        var script = Path.Combine(RepositoryRoot(), "deploy", "throwaway-postgres.sh");
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(script);
        start.ArgumentList.Add(action);
        start.ArgumentList.Add(directory);

        using var process = Process.Start(start)
            ?? throw new InvalidOperationException($"Could not run {script}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(StartTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{script} {action} did not finish within {StartTimeout}.");
        }
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{script} {action} failed with exit code {process.ExitCode}: {await errors}");
        }
        return await output;
    }

    private static string RepositoryRoot()
    {
        if (_repositoryRoot is not null) return _repositoryRoot;
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Retail.sln")))
            {
                return _repositoryRoot = directory.FullName;
            }
        }
        throw new InvalidOperationException(
            $"No Retail.sln above {AppContext.BaseDirectory}; set {ServerVariable} to use an existing server.");
    }
}
