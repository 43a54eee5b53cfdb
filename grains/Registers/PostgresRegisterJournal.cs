using System.Globalization;
using System.Text;
using Npgsql;
using NpgsqlTypes;
using Retail.Ledger;
using Retail.Stock;

namespace Retail.Registers;

/// <summary>The registers' journal in PostgreSQL, read side (written by <see cref="PostgresLedger"/>).</summary>
public sealed class PostgresRegisterJournal : IRegisterJournal
{
    private const string Columns = PostgresLedger.JournalColumns;

    private readonly NpgsqlDataSource dataSource;

    public PostgresRegisterJournal(NpgsqlDataSource dataSource) => this.dataSource = dataSource;

    public async Task<JournalEntry?> LatestAsync(string registerId)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT {Columns} FROM register_journal WHERE register_id = @register_id ORDER BY sequence DESC LIMIT 1");
        command.Parameters.AddWithValue("register_id", registerId);
        return (await ReadAsync(command, CancellationToken.None)).FirstOrDefault();
    }

    public async Task<JournalEntry?> FindAsync(string registerId, string clientId)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await FindAsync(connection, registerId, clientId, CancellationToken.None);
    }

    private static async Task<JournalEntry?> FindAsync(NpgsqlConnection connection, string registerId, string clientId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT {Columns} FROM register_journal WHERE register_id = @register_id AND client_id = @client_id", connection);
        command.Parameters.AddWithValue("register_id", registerId);
        command.Parameters.AddWithValue("client_id", clientId);
        return (await ReadAsync(command, cancellationToken)).FirstOrDefault();
    }

    /// <summary>
    /// The store's registers are found by skipping through the receipts index one register at a time
    /// (so a register never seen before is found too), then each is read from its checkpoint on: a few
    /// index probes per register, however long the journal.
    /// </summary>
    private const string StoreReceiptsAfterSql = $"""
        WITH RECURSIVE registers(register_id) AS (
            (SELECT register_id FROM register_journal
             WHERE store_id = @store_id AND kind = 'receipt' ORDER BY register_id LIMIT 1)
            UNION ALL
            SELECT (SELECT j.register_id FROM register_journal j
                    WHERE j.store_id = @store_id AND j.kind = 'receipt' AND j.register_id > r.register_id
                    ORDER BY j.register_id LIMIT 1)
            FROM registers r WHERE r.register_id IS NOT NULL
        ),
        checkpoints AS (
            SELECT * FROM unnest(@checkpoint_registers, @checkpoint_sequences) AS c(register_id, sequence)
        )
        SELECT e.* FROM registers r
        LEFT JOIN checkpoints c ON c.register_id = r.register_id
        CROSS JOIN LATERAL (
            SELECT {Columns} FROM register_journal j
            WHERE j.store_id = @store_id AND j.kind = 'receipt' AND j.register_id = r.register_id
              AND j.sequence > coalesce(c.sequence, 0)
            ORDER BY j.sequence LIMIT @limit) e
        WHERE r.register_id IS NOT NULL
        ORDER BY e.register_id, e.sequence
        LIMIT @limit
        """;

    public async Task<IReadOnlyList<JournalEntry>> ReadStoreReceiptsAfterAsync(string storeId, IReadOnlyDictionary<string, long> checkpoints, int limit)
    {
        await using var command = dataSource.CreateCommand(StoreReceiptsAfterSql);
        command.Parameters.AddWithValue("store_id", storeId);
        var known = checkpoints.ToList();
        command.AddArray("checkpoint_registers", NpgsqlDbType.Text, known.Select(c => c.Key));
        command.AddArray("checkpoint_sequences", NpgsqlDbType.Bigint, known.Select(c => c.Value));
        command.Parameters.AddWithValue("limit", limit);
        return await ReadAsync(command, CancellationToken.None);
    }

    /// <summary>
    /// Rows of finished transactions only (older than the oldest one running), ordered by transaction and row:
    /// a transaction still running when this reads can only write rows after the position read up to.
    /// </summary>
    private const string FeedAfterSql = $"""
        SELECT {Columns}, j.tx::text AS feed_tx, j.position FROM register_journal j
        WHERE j.kind IN ('receipt', 'document') AND j.tx IS NOT NULL
          AND (j.tx, j.position) > (@tx::xid8, @position)
          AND j.tx < pg_snapshot_xmin(pg_current_snapshot())
        ORDER BY j.tx, j.position
        LIMIT @limit
        """;

    public async Task<IReadOnlyList<FeedEntry>> ReadFeedAfterAsync(FeedPosition after, int limit)
    {
        await using var command = dataSource.CreateCommand(FeedAfterSql);
        command.Parameters.AddWithValue("tx", after.Transaction.ToString(CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("position", after.Row);
        command.Parameters.AddWithValue("limit", limit);
        var entries = new List<FeedEntry>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            entries.Add(new FeedEntry(Read(reader), new FeedPosition(long.Parse(reader.GetString(11), CultureInfo.InvariantCulture), reader.GetInt64(12))));
        return entries;
    }

    public async Task<FeedPosition> FeedEndAsync()
    {
        // Every transaction before the oldest running one has finished: a reader starts after all their rows.
        await using var command = dataSource.CreateCommand("SELECT pg_snapshot_xmin(pg_current_snapshot())::text");
        var oldestRunning = long.Parse((string)(await command.ExecuteScalarAsync())!, CultureInfo.InvariantCulture);
        return new FeedPosition(oldestRunning - 1, long.MaxValue);
    }

    public async Task<JournalEntry?> FindAsync(string registerId, string fnSerial, long fiscalDocumentNumber)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT {Columns} FROM register_journal WHERE register_id = @register_id AND fn_serial = @fn_serial AND fiscal_document_number = @fd");
        command.Parameters.AddWithValue("register_id", registerId);
        command.Parameters.AddWithValue("fn_serial", fnSerial);
        command.Parameters.AddWithValue("fd", fiscalDocumentNumber);
        return (await ReadAsync(command, CancellationToken.None)).FirstOrDefault();
    }

    public async Task<IReadOnlyList<JournalEntry>> ReadAfterAsync(string registerId, long afterSequence, int limit)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT {Columns} FROM register_journal WHERE register_id = @register_id AND sequence > @after ORDER BY sequence LIMIT @limit");
        command.Parameters.AddWithValue("register_id", registerId);
        command.Parameters.AddWithValue("after", afterSequence);
        command.Parameters.AddWithValue("limit", limit);
        return await ReadAsync(command, CancellationToken.None);
    }

    private static async Task<IReadOnlyList<JournalEntry>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var entries = new List<JournalEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            entries.Add(Read(reader));
        return entries;
    }

    private static JournalEntry Read(NpgsqlDataReader reader) => new(
        reader.GetString(0), reader.GetInt64(1), reader.GetString(2),
        reader.IsDBNull(3) ? null : reader.GetString(3),
        reader.IsDBNull(4) ? null : reader.GetInt64(4),
        reader.IsDBNull(5) ? null : reader.GetString(5),
        Encoding.UTF8.GetBytes(reader.GetString(6)), Encoding.UTF8.GetBytes(reader.GetString(7)),
        new DateTimeOffset(reader.GetDateTime(8), TimeSpan.Zero),
        StoreId: reader.IsDBNull(9) ? null : reader.GetString(9),
        FnSerial: reader.IsDBNull(10) ? null : reader.GetString(10));
}
