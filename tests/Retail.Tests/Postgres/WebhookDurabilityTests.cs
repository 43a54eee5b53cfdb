using System.Net;
using System.Text.Json;
using Npgsql;
using Retail.Hosting;
using Retail.Integrations;
using Retail.Registers;
using Retail.Tests.Http;
using Retail.Tests.Integrations;

namespace Retail.Tests.Postgres;

/// <summary>The API on PostgreSQL with webhooks allowed to loopback receivers; the same cluster id on every start, as a redeployment.</summary>
public class PostgresWebhookApiFactory(string connectionString, string clusterId) : ApiFactory
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["ConnectionStrings:Retail"] = connectionString,
        ["Retail:Cluster:AdvertisedAddress"] = "127.0.0.1",
        ["Retail:Cluster:ClusterId"] = clusterId,
        ["Retail:Webhooks:AllowPrivateTargets"] = "true",
    };
}

/// <summary>Webhook outboxes in PostgreSQL: what waited for a receiver that was down survives a restart and arrives in order, once.</summary>
[Collection(PostgresServer.Collection)]
public sealed class WebhookDurabilityTests(PostgresServer server)
{
    private static async Task<long> SellAsync(HttpClient admin, string register, string sku) =>
        (await (await admin.PostJson($"/api/v1/registers/{register}/receipts", TestChain.Sale(TestChain.NewId("sale"), sku)))
            .ReadOk<JsonElement>(HttpStatusCode.Created)).GetProperty("fiscalDocumentNumber").GetInt64();

    private static async Task<List<WebhookDeliveryView>> DeliveriesAsync(HttpClient client, string webhook) =>
        await (await client.GetAsync($"/api/v1/webhooks/{webhook}/deliveries")).ReadOk<List<WebhookDeliveryView>>();

    [Fact]
    public async Task The_feed_reads_the_journal_by_transaction_number_not_by_its_text_and_never_past_a_running_transaction()
    {
        var database = await server.CreateDatabaseAsync();
        await using var data = NpgsqlDataSource.Create(database);
        await DatabaseSchema.ApplyAsync(data);
        // Transaction numbers 8 to 11 cross a power of ten: as text, "10" and "11" would sort before "8".
        foreach (var tx in new[] { 8, 9, 10, 11 })
        {
            await using var insert = data.CreateCommand(
                "INSERT INTO register_journal (register_id, sequence, kind, document, state_after, recorded_at, store_id, tx) " +
                "VALUES ('till-1', @tx, 'receipt', '{}', '{}', now(), 'msk-1', @tx::text::xid8)");
            insert.Parameters.AddWithValue("tx", tx);
            await insert.ExecuteNonQueryAsync();
        }
        var journal = new PostgresRegisterJournal(data);

        var first = await journal.ReadFeedAfterAsync(new FeedPosition(0, 0), 2);
        var second = await journal.ReadFeedAfterAsync(first[^1].Position, 2);
        var rest = await journal.ReadFeedAfterAsync(second[^1].Position, 2);

        Assert.Equal([8L, 9L], first.Select(e => e.Position.Transaction));
        Assert.Equal([10L, 11L], second.Select(e => e.Position.Transaction));
        Assert.Empty(rest);

        // A transaction still running holds the feed before its rows, and before any row committed after it began.
        await using var open = await data.OpenConnectionAsync();
        await using var running = await open.BeginTransactionAsync();
        await using (var write = new NpgsqlCommand(
            "INSERT INTO register_journal (register_id, sequence, kind, document, state_after, recorded_at, store_id) VALUES ('till-1', 100, 'receipt', '{}', '{}', now(), 'msk-1')",
            open, running))
            await write.ExecuteNonQueryAsync();
        await using (var later = data.CreateCommand(
            "INSERT INTO register_journal (register_id, sequence, kind, document, state_after, recorded_at, store_id) VALUES ('till-1', 101, 'receipt', '{}', '{}', now(), 'msk-1')"))
            await later.ExecuteNonQueryAsync();
        Assert.Empty(await journal.ReadFeedAfterAsync(second[^1].Position, 10));
        await running.CommitAsync();
        Assert.Equal([100L, 101L], (await journal.ReadFeedAfterAsync(second[^1].Position, 10)).Select(e => e.Entry.Sequence));
    }

    [Fact]
    public async Task Events_waiting_for_a_receiver_that_is_down_survive_a_restart_and_arrive_in_order_once()
    {
        var database = await server.CreateDatabaseAsync();
        var cluster = "hooks-" + Guid.NewGuid().ToString("N")[..8];
        await using var receiver = new WebhookReceiver();
        var numbers = new List<long>();
        string store, sku, register, webhook, token;
        await using (var first = new PostgresWebhookApiFactory(database, cluster))
        {
            var chain = new TestChain(first);
            (store, sku) = (await chain.StoreAsync(), await chain.SkuAsync());
            register = await chain.RegisterAsync(store);
            HttpClient crm;
            (_, token, crm) = await chain.KeyAsync("integration", [store]);
            webhook = (await (await crm.PostJson("/api/v1/webhooks", new { url = receiver.Url, events = new[] { WebhookEventTypes.ReceiptFiscalized }, secret = "crm-shared-secret-1234" }))
                .ReadOk<JsonElement>(HttpStatusCode.Created)).GetProperty("id").GetString()!;
            for (var i = 0; i < 3; i++)
                numbers.Add(await SellAsync(chain.Admin, register, sku));
            var waiting = await Eventually.Until(() => DeliveriesAsync(crm, webhook), d => d.Count == 3 && d.Any(x => x.Attempts.Count >= 1), seconds: 30);
            Assert.Equal(3, waiting.Count);
            Assert.All(waiting, d => Assert.Equal(WebhookDeliveryStatus.Pending, d.Status));
        }

        await receiver.StartAsync();
        await using var second = new PostgresWebhookApiFactory(database, cluster);
        numbers.Add(await SellAsync(new TestChain(second).Admin, register, sku));

        await Eventually.Until(() => Task.FromResult(receiver.Received.Count), count => count >= 4, seconds: 60);
        var got = receiver.Received.ToList();
        Assert.True(got.Count >= 4, "Received only " + got.Count + "; the outbox: " + JsonSerializer.Serialize(await DeliveriesAsync(second.WithToken(token), webhook)));
        Assert.Equal(numbers, got.Select(r => r.Data.GetProperty("fiscalDocumentNumber").GetInt64()));
        Assert.Equal(4, got.Select(r => r.Id).Distinct().Count());
        Assert.All(got, r => Assert.True(WebhookSignature.Verify("crm-shared-secret-1234", r.Timestamp, r.Body, r.Signature!)));
        var delivered = await Eventually.Until(() => DeliveriesAsync(second.WithToken(token), webhook), d => d.Count == 4 && d.All(x => x.Status == WebhookDeliveryStatus.Delivered));
        Assert.All(delivered, d => Assert.Equal(WebhookDeliveryStatus.Delivered, d.Status));

        // The outbox and the checkpoint are rows: one per event, the feed past all of them.
        await using var data = NpgsqlDataSource.Create(database);
        await using var count = data.CreateCommand("SELECT count(*), count(DISTINCT event_id) FROM webhook_deliveries WHERE subscription_id = @s");
        count.Parameters.AddWithValue("s", webhook);
        await using var reader = await count.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal((4L, 4L), (reader.GetInt64(0), reader.GetInt64(1)));
    }
}
