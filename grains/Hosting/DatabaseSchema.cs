using System.Reflection;
using Npgsql;

namespace Retail.Orleans.Hosting;

/// <summary>
/// Creates or migrates the PostgreSQL schema from the embedded scripts of deploy/sql, in name order.
/// Every script is idempotent; an advisory lock makes two silos starting at once take turns.
/// </summary>
public static class DatabaseSchema
{
    // Any constant shared by every process that migrates this database.
    private const long MigrationLockKey = 0x5245_5441_494C;

    // A migration may wait for another silo's and rewrite tables: not bound by the short command timeout.
    private const int MigrationCommandTimeoutSeconds = 300;

    public static IReadOnlyList<string> ScriptNames() =>
        typeof(DatabaseSchema).Assembly.GetManifestResourceNames()
            .Where(name => name.EndsWith(".sql", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();

    public static async Task ApplyAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction))
        {
            lockCommand.CommandTimeout = MigrationCommandTimeoutSeconds;
            lockCommand.Parameters.AddWithValue("key", MigrationLockKey);
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }
        foreach (var name in ScriptNames())
        {
            await using var command = new NpgsqlCommand(ReadScript(name), connection, transaction);
            command.CommandTimeout = MigrationCommandTimeoutSeconds;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    private static string ReadScript(string resourceName)
    {
        using var stream = typeof(DatabaseSchema).Assembly.GetManifestResourceStream(resourceName)
            ?? throw new InvalidOperationException($"Missing embedded script {resourceName}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
