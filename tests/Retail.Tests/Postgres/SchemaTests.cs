using Npgsql;
using Retail.Hosting;

namespace Retail.Tests.Postgres;

[Collection(PostgresServer.Collection)]
public sealed class SchemaTests(PostgresServer postgres)
{
    // Every key the three providers demand, plus the two optional ones this schema provides.
    public static readonly string[] QueryKeys =
    [
        "CleanupDefunctSiloEntriesKey", "CleanupDefunctSiloEntryKey", "ClearStorageKey",
        "DeleteMembershipTableEntriesKey", "DeleteReminderRowKey", "DeleteReminderRowsKey",
        "DeleteStorageKey", "GatewaysQueryKey", "InsertMembershipKey", "InsertMembershipVersionKey",
        "MembershipReadAllKey", "MembershipReadRowKey", "ReadFromStorageKey", "ReadRangeRows1Key",
        "ReadRangeRows2Key", "ReadReminderRowKey", "ReadReminderRowsKey", "UpdateIAmAlivetimeKey",
        "UpdateMembershipKey", "UpsertReminderRowKey", "WriteToStorageKey",
    ];

    [Fact]
    public void Orleans_scripts_are_embedded_and_run_first()
    {
        var names = DatabaseSchema.ScriptNames().Select(name => name[(name.IndexOf("Sql.", StringComparison.Ordinal) + 4)..]).ToList();

        // Other scripts may follow; the Orleans ones lead, in this order.
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
        Assert.Equal(
            ["010_orleans_query.sql", "020_orleans_clustering.sql", "030_orleans_persistence.sql", "040_orleans_reminders.sql"],
            names.Take(4));
    }

    [Fact]
    public async Task Schema_applies_twice_and_provides_every_query_key()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(connectionString);

        var current = await DatabaseSchema.ApplyAsync(dataSource);

        Assert.True(current);
        Assert.Equal(QueryKeys.Order(StringComparer.Ordinal), await QueryKeysAsync(connectionString));
    }

    [Fact]
    public async Task A_silo_starting_while_others_write_finds_the_schema_current_without_waiting_on_their_locks()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        // A running silo mid-commit: the locks its receipts and movements hold.
        await using var running = new NpgsqlConnection(connectionString);
        await running.OpenAsync();
        await using var commit = await running.BeginTransactionAsync();
        await using (var locks = new NpgsqlCommand("LOCK TABLE register_journal, stock_movements, stock_heads, webhook_deliveries IN ROW EXCLUSIVE MODE", running, commit))
            await locks.ExecuteNonQueryAsync();

        // Any DDL on those tables (even ALTER TABLE ... IF NOT EXISTS) would wait for that transaction to end.
        var current = await DatabaseSchema.ApplyAsync(dataSource).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(current);
        await commit.RollbackAsync();
    }

    [Fact]
    public async Task A_script_changed_since_it_was_applied_runs_again_and_is_recorded()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var recorded = await Sql.RowsAsync(connectionString, "SELECT name FROM schema_scripts ORDER BY name");
        await Sql.ExecuteAsync(connectionString, "UPDATE schema_scripts SET sha256 = 'an older text' WHERE name = '170_webhooks.sql'");
        await Sql.ExecuteAsync(connectionString, "DROP INDEX webhook_deliveries_pending");

        var migrated = !await DatabaseSchema.ApplyAsync(dataSource);
        var currentAfter = await DatabaseSchema.ApplyAsync(dataSource);

        Assert.Equal(DatabaseSchema.ScriptNames().Count, recorded.Count);
        Assert.True(migrated && currentAfter);
        Assert.Equal(1L, await Sql.ScalarAsync(connectionString, "SELECT count(*) FROM pg_indexes WHERE indexname = 'webhook_deliveries_pending'"));
        Assert.NotEqual("an older text", await Sql.ScalarAsync(connectionString, "SELECT sha256 FROM schema_scripts WHERE name = '170_webhooks.sql'"));
    }

    [Fact]
    public async Task Schema_applies_from_two_processes_at_once()
    {
        var connectionString = await postgres.CreateEmptyDatabaseAsync();
        // Separate data sources, so the two runs use separate connections like two silos would.
        await using var first = NpgsqlDataSource.Create(connectionString);
        await using var second = NpgsqlDataSource.Create(connectionString);

        await Task.WhenAll(
            Task.Run(() => DatabaseSchema.ApplyAsync(first)),
            Task.Run(() => DatabaseSchema.ApplyAsync(second)));

        Assert.Equal(QueryKeys.Order(StringComparer.Ordinal), await QueryKeysAsync(connectionString));
        var tables = await Sql.RowsAsync(connectionString,
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1");
        Assert.Subset(
            tables.Select(row => (string)row[0]!).ToHashSet(),
            new HashSet<string> { "orleans_grain_state", "orleans_membership", "orleans_membership_version", "orleans_reminder", "orleansquery" });
    }

    [Fact]
    public async Task Every_time_column_is_timestamptz()
    {
        var connectionString = await postgres.CreateDatabaseAsync();

        var timeColumns = await Sql.RowsAsync(connectionString, """
            SELECT table_name || '.' || column_name, data_type
            FROM information_schema.columns
            WHERE table_schema = 'public' AND table_name LIKE 'orleans%' AND (column_name LIKE '%\_time' OR column_name LIKE '%\_on' OR data_type LIKE 'timestamp%')
            ORDER BY 1
            """);

        Assert.NotEmpty(timeColumns);
        Assert.All(timeColumns, column => Assert.Equal("timestamp with time zone", column[1]));
    }

    [Fact]
    public async Task Grain_state_identity_counts_a_null_extension_as_a_value()
    {
        var connectionString = await postgres.CreateDatabaseAsync();
        const string insert = """
            INSERT INTO orleans_grain_state
                (service_id, grain_type, grain_type_hash, grain_id_n0, grain_id_n1, grain_id_extension, grain_id_hash, payload, version)
            VALUES ('retail', 'shelf-tally', 1, 0, 42, NULL, 2, NULL, 1)
            """;
        await Sql.ExecuteAsync(connectionString, insert);

        var twin = await Assert.ThrowsAsync<PostgresException>(() => Sql.ExecuteAsync(connectionString, insert));

        Assert.Equal(PostgresErrorCodes.UniqueViolation, twin.SqlState);
    }

    private static async Task<List<string>> QueryKeysAsync(string connectionString) =>
        (await Sql.RowsAsync(connectionString, "SELECT querykey FROM orleansquery ORDER BY querykey COLLATE \"C\""))
            .Select(row => (string)row[0]!)
            .ToList();
}
