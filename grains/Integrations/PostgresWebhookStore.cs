using System.Globalization;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Retail.Ledger;
using Retail.Registers;

namespace Retail.Integrations;

/// <summary>Subscriptions, outboxes and the feed's checkpoint in PostgreSQL (deploy/sql/170_webhooks.sql).</summary>
public sealed class PostgresWebhookStore(NpgsqlDataSource dataSource) : IWebhookStore
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private const string SubscriptionColumns = "id, url, events, store_ids, secret, owner_key_id, created_at, deleted_at";

    public async Task<WebhookSubscription?> FindAsync(string id)
    {
        await using var command = dataSource.CreateCommand($"SELECT {SubscriptionColumns} FROM webhook_subscriptions WHERE id = @id");
        command.Parameters.AddWithValue("id", id);
        return (await ReadSubscriptionsAsync(command)).FirstOrDefault();
    }

    public async Task<WebhookSubscription> CreateAsync(WebhookSubscription subscription)
    {
        await using (var command = dataSource.CreateCommand(
            $"INSERT INTO webhook_subscriptions ({SubscriptionColumns}) VALUES (@id, @url, @events, @store_ids, @secret, @owner, @created_at, NULL) ON CONFLICT (id) DO NOTHING"))
        {
            var spec = subscription.Spec;
            command.Parameters.AddWithValue("id", subscription.Id);
            command.Parameters.AddWithValue("url", spec.Url);
            command.Parameters.AddWithValue("events", spec.Events.ToArray());
            command.Parameters.Add(new NpgsqlParameter("store_ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = (object?)spec.StoreIds?.ToArray() ?? DBNull.Value });
            command.Parameters.AddWithValue("secret", spec.Secret);
            command.Parameters.AddWithValue("owner", spec.OwnerKeyId);
            command.Parameters.AddWithValue("created_at", subscription.CreatedAt);
            await command.ExecuteNonQueryAsync();
        }
        return (await FindAsync(subscription.Id))!;
    }

    public async Task<bool> DeleteAsync(string id, DateTimeOffset at)
    {
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(Command("UPDATE webhook_subscriptions SET deleted_at = @at WHERE id = @id AND deleted_at IS NULL", ("id", id), ("at", at)));
        batch.BatchCommands.Add(Command("UPDATE webhook_deliveries SET status = 'canceled', next_attempt_at = NULL WHERE subscription_id = @id AND status = 'pending'", ("id", id)));
        // One implicit transaction: the subscription ends and its outbox is canceled together.
        await batch.ExecuteNonQueryAsync();
        return batch.BatchCommands[0].RecordsAffected == 1;
    }

    public async Task<IReadOnlyList<WebhookSubscription>> ListAsync()
    {
        await using var command = dataSource.CreateCommand($"SELECT {SubscriptionColumns} FROM webhook_subscriptions WHERE deleted_at IS NULL ORDER BY created_at, id");
        return await ReadSubscriptionsAsync(command);
    }

    public async Task<FeedPosition> FeedPositionAsync(Func<Task<FeedPosition>> journalEnd)
    {
        if (await ReadCheckpointAsync() is { } known)
            return known;
        var end = await journalEnd();
        await using (var insert = dataSource.CreateCommand("INSERT INTO webhook_feed (id, tx, position) VALUES (1, @tx::xid8, @position) ON CONFLICT (id) DO NOTHING"))
        {
            insert.Parameters.AddWithValue("tx", end.Transaction.ToString(CultureInfo.InvariantCulture));
            insert.Parameters.AddWithValue("position", end.Row);
            await insert.ExecuteNonQueryAsync();
        }
        return (await ReadCheckpointAsync())!.Value;
    }

    private async Task<FeedPosition?> ReadCheckpointAsync()
    {
        await using var command = dataSource.CreateCommand("SELECT tx::text, position FROM webhook_feed WHERE id = 1");
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync() ? new FeedPosition(long.Parse(reader.GetString(0), CultureInfo.InvariantCulture), reader.GetInt64(1)) : null;
    }

    private const string EnqueueSql = """
        INSERT INTO webhook_deliveries (subscription_id, event_id, type, store_id, occurred_at, body, status, next_attempt_at, queued_at)
        SELECT s.id, e.id, e.type, e.store_id, e.occurred_at, e.body, 'pending', @now, @now
        FROM unnest(@ids, @types, @store_ids, @occurred_at, @bodies) WITH ORDINALITY AS e(id, type, store_id, occurred_at, body, n)
        JOIN webhook_subscriptions s
          ON s.deleted_at IS NULL AND e.type = ANY (s.events) AND e.occurred_at >= s.created_at
         AND (s.store_ids IS NULL OR e.store_id = ANY (s.store_ids))
        ORDER BY e.n, s.id
        ON CONFLICT (subscription_id, event_id) DO NOTHING
        RETURNING subscription_id
        """;

    public async Task<bool> EnqueueAsync(IReadOnlyList<WebhookEvent> events, CheckpointMove? move, DateTimeOffset now, ISet<string> touched)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        if (move is { } moving)
        {
            await using var update = new NpgsqlCommand(
                "UPDATE webhook_feed SET tx = @to_tx::xid8, position = @to_position WHERE id = 1 AND tx = @from_tx::xid8 AND position = @from_position",
                connection, transaction);
            update.Parameters.AddWithValue("to_tx", moving.Through.Transaction.ToString(CultureInfo.InvariantCulture));
            update.Parameters.AddWithValue("to_position", moving.Through.Row);
            update.Parameters.AddWithValue("from_tx", moving.From.Transaction.ToString(CultureInfo.InvariantCulture));
            update.Parameters.AddWithValue("from_position", moving.From.Row);
            if (await update.ExecuteNonQueryAsync() != 1)
                return false;
        }
        if (events.Count > 0)
        {
            await using var insert = new NpgsqlCommand(EnqueueSql, connection, transaction);
            insert.AddArray("ids", NpgsqlDbType.Text, events.Select(e => e.Id));
            insert.AddArray("types", NpgsqlDbType.Text, events.Select(e => e.Type));
            insert.AddArray("store_ids", NpgsqlDbType.Text, events.Select(e => e.StoreId));
            insert.AddArray("occurred_at", NpgsqlDbType.TimestampTz, events.Select(e => e.OccurredAt.UtcDateTime));
            insert.AddArray("bodies", NpgsqlDbType.Text, events.Select(e => e.Body));
            insert.Parameters.AddWithValue("now", now);
            await using var reader = await insert.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                touched.Add(reader.GetString(0));
        }
        await transaction.CommitAsync();
        return true;
    }

    public async Task<PendingDelivery?> HeadAsync(string subscriptionId)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT id, event_id, type, body, queued_at, jsonb_array_length(attempts), next_attempt_at FROM webhook_deliveries " +
            "WHERE subscription_id = @s AND status = 'pending' ORDER BY id LIMIT 1");
        command.Parameters.AddWithValue("s", subscriptionId);
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync()
            ? new PendingDelivery(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                At(reader, 4)!.Value, reader.GetInt32(5), At(reader, 6)!.Value)
            : null;
    }

    public async Task RecordAsync(long deliveryId, WebhookAttempt attempt, string status, DateTimeOffset? nextAttemptAt)
    {
        await using var command = dataSource.CreateCommand(
            "UPDATE webhook_deliveries SET attempts = attempts || jsonb_build_array(@attempt::jsonb), status = @status, next_attempt_at = @next, " +
            "delivered_at = CASE WHEN @status = 'delivered' THEN @at ELSE delivered_at END WHERE id = @id AND status = 'pending'");
        command.Parameters.AddWithValue("id", deliveryId);
        command.Parameters.AddWithValue("attempt", JsonSerializer.Serialize(attempt, Json));
        command.Parameters.AddWithValue("status", status);
        command.Parameters.Add(new NpgsqlParameter("next", NpgsqlDbType.TimestampTz) { Value = (object?)nextAttemptAt ?? DBNull.Value });
        command.Parameters.AddWithValue("at", attempt.At);
        await command.ExecuteNonQueryAsync();
    }

    private const string DeliveryColumns = "id, event_id, type, occurred_at, status, next_attempt_at, delivered_at, attempts::text";

    public async Task<IReadOnlyList<WebhookDeliveryView>> DeliveriesAsync(string subscriptionId, string? status, int limit)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT {DeliveryColumns} FROM webhook_deliveries WHERE subscription_id = @s AND (@status::text IS NULL OR status = @status) ORDER BY id DESC LIMIT @limit");
        command.Parameters.AddWithValue("s", subscriptionId);
        command.Parameters.Add(new NpgsqlParameter("status", NpgsqlDbType.Text) { Value = (object?)status ?? DBNull.Value });
        command.Parameters.AddWithValue("limit", limit);
        return await ReadDeliveriesAsync(command);
    }

    public async Task<WebhookDeliveryView?> RetryAsync(string subscriptionId, long deliveryId, DateTimeOffset now)
    {
        await using (var command = dataSource.CreateCommand(
            "UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = @now, queued_at = @now " +
            "WHERE id = @id AND subscription_id = @s AND status IN ('parked', 'delivered')"))
        {
            command.Parameters.AddWithValue("id", deliveryId);
            command.Parameters.AddWithValue("s", subscriptionId);
            command.Parameters.AddWithValue("now", now);
            await command.ExecuteNonQueryAsync();
        }
        await using var read = dataSource.CreateCommand(
            $"SELECT {DeliveryColumns} FROM webhook_deliveries WHERE id = @id AND subscription_id = @s AND status <> 'canceled'");
        read.Parameters.AddWithValue("id", deliveryId);
        read.Parameters.AddWithValue("s", subscriptionId);
        return (await ReadDeliveriesAsync(read)).FirstOrDefault();
    }

    public async Task<IReadOnlyList<string>> DueAsync(DateTimeOffset now)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT s.id FROM webhook_subscriptions s
            CROSS JOIN LATERAL (SELECT d.next_attempt_at FROM webhook_deliveries d
                                WHERE d.subscription_id = s.id AND d.status = 'pending' ORDER BY d.id LIMIT 1) head
            WHERE s.deleted_at IS NULL AND head.next_attempt_at <= @now
            """);
        command.Parameters.AddWithValue("now", now);
        var due = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            due.Add(reader.GetString(0));
        return due;
    }

    private static NpgsqlBatchCommand Command(string sql, params (string Name, object Value)[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value);
        return command;
    }

    private static DateTimeOffset? At(NpgsqlDataReader reader, int column) =>
        reader.IsDBNull(column) ? null : new DateTimeOffset(reader.GetDateTime(column), TimeSpan.Zero);

    private static async Task<IReadOnlyList<WebhookSubscription>> ReadSubscriptionsAsync(NpgsqlCommand command)
    {
        var found = new List<WebhookSubscription>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            found.Add(new WebhookSubscription(reader.GetString(0),
                new WebhookSpec(reader.GetString(1), reader.GetFieldValue<string[]>(2),
                    reader.GetString(4), reader.IsDBNull(3) ? null : reader.GetFieldValue<string[]>(3), reader.GetString(5)),
                At(reader, 6)!.Value, At(reader, 7)));
        return found;
    }

    private static async Task<IReadOnlyList<WebhookDeliveryView>> ReadDeliveriesAsync(NpgsqlCommand command)
    {
        var found = new List<WebhookDeliveryView>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var status = reader.GetString(4);
            found.Add(new WebhookDeliveryView(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), At(reader, 3)!.Value, status,
                status == WebhookDeliveryStatus.Pending ? At(reader, 5) : null, At(reader, 6),
                JsonSerializer.Deserialize<List<WebhookAttempt>>(reader.GetString(7), Json)!));
        }
        return found;
    }
}
