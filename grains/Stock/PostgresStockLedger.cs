using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Retail.Orleans.Ledger;

namespace Retail.Orleans.Stock;

/// <summary>
/// The stock ledger in PostgreSQL. Appends from every stock grain of the silo are group-committed:
/// one multi-row insert per batch, and a unique key turns a replayed movement into a no-op.
/// </summary>
public sealed class PostgresStockLedger : IStockLedger, IAsyncDisposable
{
    private const string Columns =
        "store_id, sku, version, movement_id, type, quantity, on_hand_delta, reserved_delta, incoming_delta, " +
        "on_hand_after, reserved_after, incoming_after, occurred_at, recorded_at, reason, document_kind, " +
        "document_id, fiscal_document_number, fingerprint";

    private const string InsertBatchSql =
        $"INSERT INTO stock_movements ({Columns}) " +
        "SELECT * FROM unnest(@store_id, @sku, @version, @movement_id, @type, @quantity, @on_hand_delta, " +
        "@reserved_delta, @incoming_delta, @on_hand_after, @reserved_after, @incoming_after, @occurred_at, " +
        "@recorded_at, @reason, @document_kind, @document_id, @fiscal_document_number, @fingerprint) " +
        "ON CONFLICT DO NOTHING RETURNING store_id, sku, version";

    private readonly NpgsqlDataSource dataSource;
    private readonly GroupCommit<StockMovementRecord, AppendOutcome> commits;

    public PostgresStockLedger(NpgsqlDataSource dataSource)
    {
        this.dataSource = dataSource;
        commits = new GroupCommit<StockMovementRecord, AppendOutcome>("stock", WriteBatchAsync);
    }

    public Task<AppendOutcome> AppendAsync(StockMovementRecord record) => commits.AppendAsync(record);

    public Task<IReadOnlyList<AppendOutcome>> AppendManyAsync(IReadOnlyList<StockMovementRecord> records) => commits.AppendGroupAsync(records);

    private async Task<IReadOnlyList<AppendOutcome>> WriteBatchAsync(IReadOnlyList<StockMovementRecord> batch, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var inserted = new HashSet<(string, string, long)>();
        await using (var insert = new NpgsqlCommand(InsertBatchSql, connection))
        {
            insert.AddArray("store_id", NpgsqlDbType.Text, batch.Select(r => r.StoreId));
            insert.AddArray("sku", NpgsqlDbType.Text, batch.Select(r => r.Sku));
            insert.AddArray("version", NpgsqlDbType.Bigint, batch.Select(r => r.Version));
            insert.AddArray("movement_id", NpgsqlDbType.Text, batch.Select(r => r.MovementId));
            insert.AddArray("type", NpgsqlDbType.Text, batch.Select(r => TypeName(r.Type)));
            insert.AddArray("quantity", NpgsqlDbType.Numeric, batch.Select(r => r.Quantity));
            insert.AddArray("on_hand_delta", NpgsqlDbType.Numeric, batch.Select(r => r.OnHandDelta));
            insert.AddArray("reserved_delta", NpgsqlDbType.Numeric, batch.Select(r => r.ReservedDelta));
            insert.AddArray("incoming_delta", NpgsqlDbType.Numeric, batch.Select(r => r.IncomingDelta));
            insert.AddArray("on_hand_after", NpgsqlDbType.Numeric, batch.Select(r => r.OnHandAfter));
            insert.AddArray("reserved_after", NpgsqlDbType.Numeric, batch.Select(r => r.ReservedAfter));
            insert.AddArray("incoming_after", NpgsqlDbType.Numeric, batch.Select(r => r.IncomingAfter));
            insert.AddArray("occurred_at", NpgsqlDbType.TimestampTz, batch.Select(r => r.OccurredAt.UtcDateTime));
            insert.AddArray("recorded_at", NpgsqlDbType.TimestampTz, batch.Select(r => r.RecordedAt.UtcDateTime));
            insert.AddArray("reason", NpgsqlDbType.Text, batch.Select(r => r.Reason));
            insert.AddArray("document_kind", NpgsqlDbType.Text, batch.Select(r => r.Document?.Kind));
            insert.AddArray("document_id", NpgsqlDbType.Text, batch.Select(r => r.Document?.Id));
            insert.AddArray("fiscal_document_number", NpgsqlDbType.Bigint, batch.Select(r => r.Document?.FiscalDocumentNumber));
            insert.AddArray("fingerprint", NpgsqlDbType.Text, batch.Select(r => r.Fingerprint));
            await using var reader = await insert.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                inserted.Add((reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
        }

        var outcomes = new AppendOutcome[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            var record = batch[i];
            if (inserted.Contains((record.StoreId, record.Sku, record.Version)))
                outcomes[i] = AppendOutcome.Appended;
            else
                // Rare: a replay older than the grain's idempotency window, or a second activation.
                outcomes[i] = await FindAsync(connection, record.StoreId, record.Sku, record.MovementId, cancellationToken) is not null
                    ? AppendOutcome.DuplicateMovement
                    : AppendOutcome.VersionTaken;
        }
        return outcomes;
    }

    public async Task<StockMovementRecord?> FindAsync(string storeId, string sku, string movementId)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await FindAsync(connection, storeId, sku, movementId, CancellationToken.None);
    }

    private static async Task<StockMovementRecord?> FindAsync(NpgsqlConnection connection, string storeId, string sku, string movementId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT {Columns} FROM stock_movements WHERE store_id = @store_id AND sku = @sku AND movement_id = @movement_id", connection);
        command.Parameters.AddWithValue("store_id", storeId);
        command.Parameters.AddWithValue("sku", sku);
        command.Parameters.AddWithValue("movement_id", movementId);
        var records = await ReadRecordsAsync(command, cancellationToken);
        return records.Count == 0 ? null : records[0];
    }

    public async Task<IReadOnlyList<StockMovementRecord>> ReadAfterAsync(string storeId, string sku, long afterVersion)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT {Columns} FROM stock_movements WHERE store_id = @store_id AND sku = @sku AND version > @after ORDER BY version");
        command.Parameters.AddWithValue("store_id", storeId);
        command.Parameters.AddWithValue("sku", sku);
        command.Parameters.AddWithValue("after", afterVersion);
        return await ReadRecordsAsync(command, CancellationToken.None);
    }

    public async Task<IReadOnlyList<StockMovementRecord>> ReadHistoryAsync(string storeId, string sku, int limit, long? beforeVersion)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT {Columns} FROM stock_movements WHERE store_id = @store_id AND sku = @sku " +
            "AND (@before::bigint IS NULL OR version < @before) ORDER BY version DESC LIMIT @limit");
        command.Parameters.AddWithValue("store_id", storeId);
        command.Parameters.AddWithValue("sku", sku);
        command.Parameters.Add(new NpgsqlParameter("before", NpgsqlDbType.Bigint) { Value = (object?)beforeVersion ?? DBNull.Value });
        command.Parameters.AddWithValue("limit", limit);
        return await ReadRecordsAsync(command, CancellationToken.None);
    }

    public async Task<IReadOnlyList<StockLevel>> ReadLevelsAsync(string? storeId, string? sku)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT DISTINCT ON (store_id, sku) store_id, sku, on_hand_after, reserved_after, incoming_after, version " +
            "FROM stock_movements WHERE (@store_id::text IS NULL OR store_id = @store_id) AND (@sku::text IS NULL OR sku = @sku) " +
            "ORDER BY store_id, sku, version DESC");
        command.Parameters.Add(new NpgsqlParameter("store_id", NpgsqlDbType.Text) { Value = (object?)storeId ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("sku", NpgsqlDbType.Text) { Value = (object?)sku ?? DBNull.Value });
        var levels = new List<StockLevel>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            levels.Add(new StockLevel(reader.GetString(0), reader.GetString(1), reader.GetDecimal(2), reader.GetDecimal(3), reader.GetDecimal(4), reader.GetInt64(5)));
        return levels;
    }

    private static async Task<IReadOnlyList<StockMovementRecord>> ReadRecordsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var records = new List<StockMovementRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var documentKind = reader.IsDBNull(15) ? null : reader.GetString(15);
            records.Add(new StockMovementRecord(
                StoreId: reader.GetString(0),
                Sku: reader.GetString(1),
                Version: reader.GetInt64(2),
                MovementId: reader.GetString(3),
                Type: ParseType(reader.GetString(4)),
                Quantity: reader.GetDecimal(5),
                OnHandDelta: reader.GetDecimal(6),
                ReservedDelta: reader.GetDecimal(7),
                IncomingDelta: reader.GetDecimal(8),
                OnHandAfter: reader.GetDecimal(9),
                ReservedAfter: reader.GetDecimal(10),
                IncomingAfter: reader.GetDecimal(11),
                OccurredAt: new DateTimeOffset(reader.GetDateTime(12), TimeSpan.Zero),
                RecordedAt: new DateTimeOffset(reader.GetDateTime(13), TimeSpan.Zero),
                Reason: reader.IsDBNull(14) ? null : reader.GetString(14),
                Document: documentKind is null ? null : new DocumentRef(documentKind, reader.GetString(16),
                    reader.IsDBNull(17) ? null : reader.GetInt64(17)),
                Fingerprint: reader.GetString(18)));
        }
        return records;
    }

    /// <summary>Movement types are stored by their API names (camelCase), the same in JSON and SQL.</summary>
    public static string TypeName(MovementType type) => JsonNamingPolicy.CamelCase.ConvertName(type.ToString());

    private static MovementType ParseType(string name) => Enum.Parse<MovementType>(name, ignoreCase: true);

    public ValueTask DisposeAsync() => commits.DisposeAsync();
}
