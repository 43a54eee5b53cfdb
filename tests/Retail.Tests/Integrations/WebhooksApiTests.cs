using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Retail.Integrations;
using Retail.Tests.Cluster;
using Retail.Tests.Http;

namespace Retail.Tests.Integrations;

/// <summary>
/// The embedded API for integration tests: webhooks allowed to loopback receivers, e-receipts mailed to an SMTP
/// server on <see cref="SmtpPort"/> (a test starts it), on a clock the tests move (backoff and give-up without waiting).
/// </summary>
public sealed class WebhookApiFactory : ApiFactory
{
    public ManualClock Clock { get; } = new();

    public int SmtpPort { get; } = FreePort();

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Retail:Webhooks:AllowPrivateTargets"] = "true",
        ["Retail:Mail:Host"] = "127.0.0.1",
        ["Retail:Mail:Port"] = SmtpPort.ToString(),
        ["Retail:Mail:Security"] = "none",
        ["Retail:Mail:From"] = "receipts@shop.example.ru",
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton<TimeProvider>(Clock));
    }
}

[CollectionDefinition(Name)]
public sealed class WebhookCollection : ICollectionFixture<WebhookApiFactory>
{
    public const string Name = "integrations";
}

[Collection(WebhookCollection.Name)]
public sealed class WebhooksApiTests(WebhookApiFactory api)
{
    private const string Secret = "crm-shared-secret-1234";
    private readonly TestChain chain = new(api);
    private HttpClient Admin => chain.Admin;

    private static Task<HttpResponseMessage> SubscribeAsync(HttpClient client, string url, string[] events, string? secret = Secret, string[]? storeIds = null) =>
        client.PostJson("/api/v1/webhooks", new { url, events, secret, storeIds });

    private async Task<string> SubscribedAsync(HttpClient client, string url, params string[] events) =>
        (await (await SubscribeAsync(client, url, events)).ReadOk<JsonElement>(HttpStatusCode.Created)).GetProperty("id").GetString()!;

    private async Task<long> SellAsync(string register, string sku, string? id = null) =>
        (await (await Admin.PostJson($"/api/v1/registers/{register}/receipts", TestChain.Sale(id ?? TestChain.NewId("sale"), sku)))
            .ReadOk<JsonElement>(HttpStatusCode.Created)).GetProperty("fiscalDocumentNumber").GetInt64();

    private async Task<List<WebhookDeliveryView>> DeliveriesAsync(HttpClient client, string webhook) =>
        await (await client.GetAsync($"/api/v1/webhooks/{webhook}/deliveries")).ReadOk<List<WebhookDeliveryView>>();

    private async Task<(string Store, string Sku, string Register)> TillAsync()
    {
        var (store, sku) = (await chain.StoreAsync(), await chain.SkuAsync());
        return (store, sku, await chain.RegisterAsync(store));
    }

    [Fact]
    public async Task A_receipt_reaches_its_stores_subscriber_once_signed_and_other_stores_receipts_do_not()
    {
        var (store, sku, register) = await TillAsync();
        var (_, otherSku, otherRegister) = await TillAsync();
        var (_, _, crm) = await chain.KeyAsync("integration", [store]);
        await using var receiver = new WebhookReceiver();
        await receiver.StartAsync();
        var webhook = await SubscribedAsync(crm, receiver.Url, WebhookEventTypes.ReceiptFiscalized);

        await SellAsync(otherRegister, otherSku);
        var number = await SellAsync(register, sku, "sale-1");
        // The till's retry: the same receipt (200, not 201), not a second event.
        (await Admin.PostJson($"/api/v1/registers/{register}/receipts", TestChain.Sale("sale-1", sku))).EnsureSuccessStatusCode();

        var deliveries = await Eventually.Until(() => DeliveriesAsync(crm, webhook), d => d.Count == 1 && d[0].Status == WebhookDeliveryStatus.Delivered);
        var got = Assert.Single(receiver.Received);
        Assert.True(WebhookSignature.Verify(Secret, got.Timestamp, got.Body, got.Signature!), "The signature does not verify");
        Assert.False(WebhookSignature.Verify("another-secret-5678", got.Timestamp, got.Body, got.Signature!));
        Assert.InRange(got.Timestamp, DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds(), api.Clock.GetUtcNow().AddMinutes(5).ToUnixTimeSeconds());
        Assert.Equal((WebhookEventTypes.ReceiptFiscalized, WebhookEventTypes.ReceiptFiscalized), (got.Event, got.Json.GetProperty("type").GetString()));
        Assert.Equal((store, register, number, 100m), (got.Data.GetProperty("storeId").GetString(), got.Data.GetProperty("registerId").GetString(),
            got.Data.GetProperty("fiscalDocumentNumber").GetInt64(), got.Data.GetProperty("total").GetDecimal()));
        Assert.Equal(deliveries[0].EventId, got.Id);
        var attempt = Assert.Single(deliveries[0].Attempts);
        Assert.Equal(200, attempt.StatusCode);
    }

    [Fact]
    public async Task A_receiver_down_for_a_while_then_up_gets_every_event_in_order_each_once()
    {
        var (store, sku, register) = await TillAsync();
        var (_, _, crm) = await chain.KeyAsync("integration", [store]);
        await using var receiver = new WebhookReceiver(); // not started: connections are refused
        var webhook = await SubscribedAsync(crm, receiver.Url, WebhookEventTypes.ReceiptFiscalized);

        var numbers = new List<long>();
        for (var i = 0; i < 5; i++)
            numbers.Add(await SellAsync(register, sku));
        var failing = await Eventually.Until(() => DeliveriesAsync(crm, webhook), d => d.Count == 5 && d.Any(x => x.Attempts.Count >= 2));
        Assert.All(failing, d => Assert.Equal(WebhookDeliveryStatus.Pending, d.Status));
        // Strict order: only the oldest is tried while it fails.
        Assert.Equal([0, 0, 0, 0], failing.OrderBy(d => d.Id).Skip(1).Select(d => d.Attempts.Count));
        Assert.All(failing.OrderBy(d => d.Id).First().Attempts, a => Assert.Null(a.StatusCode));

        await receiver.StartAsync();
        api.Clock.Advance(TimeSpan.FromHours(2)); // past any backoff drawn so far

        await Eventually.Until(() => Task.FromResult(receiver.Received.Count), count => count >= 5);
        var got = receiver.Received.ToList();
        Assert.Equal(numbers, got.Select(r => r.Data.GetProperty("fiscalDocumentNumber").GetInt64()));
        Assert.Equal(5, got.Select(r => r.Id).Distinct().Count());
        var delivered = await Eventually.Until(() => DeliveriesAsync(crm, webhook), d => d.Count == 5 && d.All(x => x.Status == WebhookDeliveryStatus.Delivered));
        Assert.Equal(5, delivered.Count);
        Assert.All(delivered, d => Assert.Equal(WebhookDeliveryStatus.Delivered, d.Status));
    }

    [Fact]
    public async Task A_delivery_failing_past_the_give_up_time_is_parked_and_a_retry_by_hand_delivers_it()
    {
        var (store, sku, register) = await TillAsync();
        var (_, _, crm) = await chain.KeyAsync("integration", [store]);
        await using var receiver = new WebhookReceiver { Status = 500 };
        await receiver.StartAsync();
        var webhook = await SubscribedAsync(crm, receiver.Url, WebhookEventTypes.ReceiptFiscalized);
        await SellAsync(register, sku);
        var failed = await Eventually.Until(() => DeliveriesAsync(crm, webhook), d => d.Count == 1 && d[0].Attempts.Count >= 1);
        Assert.Equal(500, failed[0].Attempts[0].StatusCode);

        api.Clock.Advance(TimeSpan.FromHours(73));
        var parked = await Eventually.Until(() => DeliveriesAsync(crm, webhook), d => d[0].Status == WebhookDeliveryStatus.Parked);
        Assert.Equal(WebhookDeliveryStatus.Parked, parked[0].Status);
        Assert.Null(parked[0].NextAttemptAt);
        Assert.Empty(receiver.Received);

        receiver.Status = 200;
        var retried = await (await crm.PostJson($"/api/v1/webhooks/{webhook}/deliveries/{parked[0].Id}/retry", new { })).ReadOk<WebhookDeliveryView>();
        Assert.Equal(WebhookDeliveryStatus.Pending, retried.Status);
        var delivered = await Eventually.Until(() => DeliveriesAsync(crm, webhook), d => d[0].Status == WebhookDeliveryStatus.Delivered);
        Assert.Equal(WebhookDeliveryStatus.Delivered, delivered[0].Status);
        Assert.Equal(parked[0].EventId, Assert.Single(receiver.Received).Id);
        await (await crm.PostJson($"/api/v1/webhooks/{webhook}/deliveries/999999/retry", new { })).AssertProblem(HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task A_paid_order_reaches_the_crm_with_its_deal()
    {
        var (store, sku) = (await chain.StoreAsync(), await chain.SkuAsync());
        var online = await chain.RegisterAsync(store, openShift: false);
        (await Admin.PutJson($"/api/v1/stores/{store}", new { name = "Store", address = "Moscow", timeZone = "Europe/Moscow", inn = "7707083893", taxationSystem = "osn", onlineRegisterId = online }))
            .EnsureSuccessStatusCode();
        await chain.ReceiveAsync(store, sku, 10);
        var (_, _, shop) = await chain.KeyAsync("integration", [store]);
        await using var receiver = new WebhookReceiver();
        await receiver.StartAsync();
        await SubscribedAsync(shop, receiver.Url, WebhookEventTypes.OrderPaid);

        var order = TestChain.NewId("ord");
        (await shop.PostJson("/api/v1/orders", new { id = order, storeId = store, lines = new[] { new { sku, quantity = 2, price = 100 } },
            customer = new { email = "buyer@example.ru" }, crmDealId = "deal-42" })).EnsureSuccessStatusCode();
        (await shop.PostJson($"/api/v1/orders/{order}/pay", new { payments = new[] { new { type = "electronic", amount = 200 } } })).EnsureSuccessStatusCode();

        await Eventually.Until(() => Task.FromResult(receiver.Received.Count), count => count >= 1);
        var paid = Assert.Single(receiver.Received);
        Assert.Equal((WebhookEventTypes.OrderPaid, order, "deal-42", 200m), (paid.Json.GetProperty("type").GetString(),
            paid.Data.GetProperty("orderId").GetString(), paid.Data.GetProperty("crmDealId").GetString(), paid.Data.GetProperty("total").GetDecimal()));
    }

    [Fact]
    public async Task A_sale_beyond_stock_tells_the_subscriber_the_pair_went_negative()
    {
        var (store, sku, register) = await TillAsync();
        var (_, _, crm) = await chain.KeyAsync("integration", [store]);
        await using var receiver = new WebhookReceiver();
        await receiver.StartAsync();
        await SubscribedAsync(crm, receiver.Url, WebhookEventTypes.StockNegative);
        // The store's view watches the pairs (a view that first wakes up on this very sale reads it as it is, not as a crossing).
        (await Admin.GetAsync($"/api/v1/stores/{store}/stock")).EnsureSuccessStatusCode();

        await SellAsync(register, sku);

        await Eventually.Until(() => Task.FromResult(receiver.Received.Count), count => count >= 1);
        var alert = Assert.Single(receiver.Received);
        Assert.Equal((WebhookEventTypes.StockNegative, store, sku, -1m), (alert.Json.GetProperty("type").GetString(),
            alert.Data.GetProperty("storeId").GetString(), alert.Data.GetProperty("sku").GetString(), alert.Data.GetProperty("onHand").GetDecimal()));
    }

    [Fact]
    public async Task A_subscription_is_its_owners_alone_and_once_deleted_gets_nothing_more()
    {
        var (store, sku, register) = await TillAsync();
        var (ownerId, _, crm) = await chain.KeyAsync("integration", [store]);
        var (_, _, other) = await chain.KeyAsync("integration", [store]);
        await using var receiver = new WebhookReceiver();
        await receiver.StartAsync();
        var created = await (await SubscribeAsync(crm, receiver.Url, [WebhookEventTypes.ReceiptFiscalized], secret: null)).ReadOk<JsonElement>(HttpStatusCode.Created);
        var webhook = created.GetProperty("id").GetString()!;
        Assert.StartsWith("whsec_", created.GetProperty("secret").GetString());
        Assert.Equal([store], created.GetProperty("storeIds").EnumerateArray().Select(s => s.GetString()));

        var read = await (await crm.GetAsync($"/api/v1/webhooks/{webhook}")).ReadOk<JsonElement>();
        Assert.False(read.TryGetProperty("secret", out _));
        Assert.Equal(ownerId, read.GetProperty("ownerKeyId").GetString());
        await (await other.GetAsync($"/api/v1/webhooks/{webhook}")).AssertProblem(HttpStatusCode.NotFound, "not_found");
        await (await other.DeleteAsync($"/api/v1/webhooks/{webhook}")).AssertProblem(HttpStatusCode.NotFound, "not_found");
        Assert.DoesNotContain(await (await other.GetAsync("/api/v1/webhooks")).ReadOk<List<WebhookView>>(), w => w.Id == webhook);
        Assert.Contains(await (await crm.GetAsync("/api/v1/webhooks")).ReadOk<List<WebhookView>>(), w => w.Id == webhook);
        Assert.Contains(await (await Admin.GetAsync("/api/v1/webhooks")).ReadOk<List<WebhookView>>(), w => w.Id == webhook);

        Assert.Equal(HttpStatusCode.NoContent, (await crm.DeleteAsync($"/api/v1/webhooks/{webhook}")).StatusCode);
        await (await crm.GetAsync($"/api/v1/webhooks/{webhook}")).AssertProblem(HttpStatusCode.NotFound, "not_found");
        var (_, _, probe) = await chain.KeyAsync("integration", [store]);
        var control = await SubscribedAsync(probe, receiver.Url, WebhookEventTypes.ReceiptFiscalized);
        await SellAsync(register, sku);
        var outbox = await Eventually.Until(() => DeliveriesAsync(probe, control), d => d.Count == 1 && d[0].Status == WebhookDeliveryStatus.Delivered);
        Assert.True(outbox is [{ Status: WebhookDeliveryStatus.Delivered }], "The control outbox: " + JsonSerializer.Serialize(outbox));
        // The deleted subscription's outbox got nothing; the control subscription's one event is all that arrived.
        Assert.Single(receiver.Received);
    }

    [Fact]
    public async Task Bad_subscriptions_are_refused_with_their_field_and_nothing_is_created()
    {
        var store = await chain.StoreAsync();
        var other = await chain.StoreAsync();
        var (_, _, crm) = await chain.KeyAsync("integration", [store]);
        var (_, _, manager) = await chain.KeyAsync("manager", [store]);
        const string url = "http://127.0.0.1:9/hook";
        var before = (await (await crm.GetAsync("/api/v1/webhooks")).ReadOk<List<WebhookView>>()).Count;

        await (await SubscribeAsync(crm, "ftp://crm.example.ru/hook", [WebhookEventTypes.ReceiptFiscalized])).AssertProblem(HttpStatusCode.BadRequest, "validation_failed", "url");
        await (await SubscribeAsync(crm, "/relative", [WebhookEventTypes.ReceiptFiscalized])).AssertProblem(HttpStatusCode.BadRequest, "validation_failed", "url");
        await (await SubscribeAsync(crm, "http://user:pass@crm.example.ru/", [WebhookEventTypes.ReceiptFiscalized])).AssertProblem(HttpStatusCode.BadRequest, "validation_failed", "url");
        await (await SubscribeAsync(crm, url, [])).AssertProblem(HttpStatusCode.BadRequest, "validation_failed", "events");
        await (await SubscribeAsync(crm, url, ["receipt.deleted"])).AssertProblem(HttpStatusCode.BadRequest, "validation_failed", "events");
        await (await SubscribeAsync(crm, url, [WebhookEventTypes.OrderPaid, WebhookEventTypes.OrderPaid])).AssertProblem(HttpStatusCode.BadRequest, "validation_failed", "events");
        await (await SubscribeAsync(crm, url, [WebhookEventTypes.OrderPaid], secret: "short")).AssertProblem(HttpStatusCode.BadRequest, "validation_failed", "secret");
        await (await SubscribeAsync(crm, url, [WebhookEventTypes.OrderPaid], storeIds: [other])).AssertProblem(HttpStatusCode.Forbidden, "forbidden");
        await (await SubscribeAsync(Admin, url, [WebhookEventTypes.OrderPaid], storeIds: ["no-such-store"])).AssertProblem(HttpStatusCode.NotFound, "unknown_store");
        await (await SubscribeAsync(manager, url, [WebhookEventTypes.OrderPaid])).AssertProblem(HttpStatusCode.Forbidden, "forbidden");
        await (await crm.PostRaw("/api/v1/webhooks", "{\"url\": 5}")).AssertProblem(HttpStatusCode.BadRequest, "validation_failed");
        await (await crm.GetAsync("/api/v1/webhooks/wh-none/deliveries?status=lost")).AssertProblem(HttpStatusCode.BadRequest, "validation_failed", "status");

        Assert.Equal(before, (await (await crm.GetAsync("/api/v1/webhooks")).ReadOk<List<WebhookView>>()).Count);
    }
}

/// <summary>Private receivers are refused where the setting does not allow them (the shared API's default).</summary>
[Collection(ApiCollection.Name)]
public sealed class WebhookTargetApiTests(ApiFactory api)
{
    [Fact]
    public async Task A_loopback_or_private_receiver_is_refused_unless_the_deployment_allows_it()
    {
        var client = api.Admin();
        foreach (var url in new[] { "http://127.0.0.1:8080/hook", "http://localhost/hook", "http://10.1.2.3/hook", "http://[::1]/hook", "http://169.254.169.254/latest" })
            await (await client.PostJson("/api/v1/webhooks", new { url, events = new[] { WebhookEventTypes.ReceiptFiscalized } }))
                .AssertProblem(HttpStatusCode.BadRequest, "validation_failed", "url");
    }
}
