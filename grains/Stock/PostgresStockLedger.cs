using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Retail.Ledger;

namespace Retail.Stock;

/// <summary>The stock ledger in PostgreSQL, read side: rows and heads (written by <see cref="PostgresLedger"/>).</summary>
public sealed class PostgresStockLedger : IStockLedger
{
    private const string Columns = PostgresLedger.MovementColumns;

    private readonly NpgsqlDataSource dataSource;

    public PostgresStockLedger(NpgsqlDataSource dataSource) => this.dataSource = dataSource;

    public async Task<StockHead?> ReadHeadAsync(string storeId, string sku)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT on_hand, reserved, incoming, version, token FROM stock_heads WHERE store_id = @store_id AND sku = @sku");
        command.Parameters.AddWithValue("store_id", storeId);
        command.Parameters.AddWithValue("sku", sku);
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
            return null;
        return new StockHead(new StockLevel(storeId, sku, reader.GetDecimal(0), reader.GetDecimal(1), reader.GetDecimal(2), reader.GetInt64(3)),
            reader.GetString(4));
    }

    public async Task<bool> FenceAsync(string storeId, string sku, long version, string? token, string newToken)
    {
        await using var command = dataSource.CreateCommand(token is null
            ? "INSERT INTO stock_heads (store_id, sku, version, token, on_hand, reserved, incoming) VALUES (@store_id, @sku, 0, @new_token, 0, 0, 0) ON CONFLICT DO NOTHING"
            : "UPDATE stock_heads SET token = @new_token WHERE store_id = @store_id AND sku = @sku AND version = @version AND token = @token");
        command.Parameters.AddWithValue("store_id", storeId);
        command.Parameters.AddWithValue("sku", sku);
        command.Parameters.AddWithValue("version", version);
        command.Parameters.AddWithValue("token", (object?)token ?? DBNull.Value);
        command.Parameters.AddWithValue("new_token", newToken);
        return await command.ExecuteNonQueryAsync() == 1;
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
            "SELECT store_id, sku, on_hand, reserved, incoming, version FROM stock_heads " +
            "WHERE (@store_id::text IS NULL OR store_id = @store_id) AND (@sku::text IS NULL OR sku = @sku)");
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

}
