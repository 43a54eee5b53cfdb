using System.Reflection;
using Npgsql;

namespace Retail.Hosting;

/// <summary>
/// Creates or migrates the PostgreSQL schema from the embedded scripts of deploy/sql, in name order.
/// Each script applied is recorded with its SHA-256 in <c>schema_scripts</c>. A silo that finds every
/// script recorded runs no DDL at all: even an idempotent <c>ALTER TABLE ... IF NOT EXISTS</c> takes an
/// exclusive lock, and a silo restarting under load would queue behind (or deadlock with) the receipts
/// of the running ones. Otherwise an advisory lock makes two silos take turns, the scripts not yet
/// recorded (or changed since) run in one transaction, and a deadlock with live traffic is tried again.
/// </summary>
public static class DatabaseSchema
{
    // Any constant shared by every process that migrates this database.
    private const long MigrationLockKey = 0x5245_5441_494C;

    // A migration may wait for another silo's and rewrite tables: not bound by the short command timeout.
    private const int MigrationCommandTimeoutSeconds = 300;

    private const int MigrationAttempts = 3;

    public static IReadOnlyList<string> ScriptNames() =>
        typeof(DatabaseSchema).Assembly.GetManifestResourceNames()
            .Where(name => name.EndsWith(".sql", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>The scripts by file name (<c>100_stock_ledger.sql</c>) with the hash each is recorded under.</summary>
    private static IReadOnlyList<(string Name, string Text, string Sha256)> Scripts() =>
        ScriptNames().Select(resource =>
        {
            var text = ReadScript(resource);
            var name = resource[(resource.IndexOf("Sql.", StringComparison.Ordinal) + 4)..];
            return (name, text, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text))));
        }).ToList();

    /// <summary>Whether the schema is current; true when nothing had to run.</summary>
    public static async Task<bool> ApplyAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken = default)
    {
        var scripts = Scripts();
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            if (Pending(scripts, await RecordedAsync(connection, null, cancellationToken)).Count == 0)
                return true;
        }
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await MigrateAsync(dataSource, scripts, cancellationToken);
                return false;
            }
            catch (PostgresException error) when (error.SqlState == PostgresErrorCodes.DeadlockDetected && attempt < MigrationAttempts)
            {
                // A script's lock met the running silos' traffic in another order: nothing of this run stayed.
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), cancellationToken);
            }
        }
    }

    private static async Task MigrateAsync(NpgsqlDataSource dataSource, IReadOnlyList<(string Name, string Text, string Sha256)> scripts, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, transaction, "SELECT pg_advisory_xact_lock(" + MigrationLockKey + ")", cancellationToken);
        await ExecuteAsync(connection, transaction,
            "CREATE TABLE IF NOT EXISTS schema_scripts (name text PRIMARY KEY, sha256 text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())", cancellationToken);
        // Read under the lock: another silo may have migrated while this one waited.
        foreach (var script in Pending(scripts, await RecordedAsync(connection, transaction, cancellationToken)))
        {
            await ExecuteAsync(connection, transaction, script.Text, cancellationToken);
            await using var record = new NpgsqlCommand(
                "INSERT INTO schema_scripts (name, sha256) VALUES (@name, @sha256) ON CONFLICT (name) DO UPDATE SET sha256 = excluded.sha256, applied_at = now()",
                connection, transaction);
            record.Parameters.AddWithValue("name", script.Name);
            record.Parameters.AddWithValue("sha256", script.Sha256);
            await record.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    private static List<(string Name, string Text, string Sha256)> Pending(
        IReadOnlyList<(string Name, string Text, string Sha256)> scripts, IReadOnlyDictionary<string, string> recorded) =>
        scripts.Where(s => !recorded.TryGetValue(s.Name, out var sha256) || sha256 != s.Sha256).ToList();

    /// <summary>The recorded scripts; none when the table is not there yet.</summary>
    private static async Task<IReadOnlyDictionary<string, string>> RecordedAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        await using (var exists = new NpgsqlCommand("SELECT to_regclass('schema_scripts') IS NOT NULL", connection, transaction))
        {
            if (await exists.ExecuteScalarAsync(cancellationToken) is not true)
                return new Dictionary<string, string>();
        }
        var recorded = new Dictionary<string, string>(StringComparer.Ordinal);
        await using var command = new NpgsqlCommand("SELECT name, sha256 FROM schema_scripts", connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            recorded[reader.GetString(0)] = reader.GetString(1);
        return recorded;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        command.CommandTimeout = MigrationCommandTimeoutSeconds;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string ReadScript(string resourceName)
    {
        using var stream = typeof(DatabaseSchema).Assembly.GetManifestResourceStream(resourceName)
            ?? throw new InvalidOperationException($"Missing embedded script {resourceName}");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
