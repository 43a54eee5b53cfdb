using System.Net;
using System.Text;
using System.Text.Json;
using Retail.Documents;
using Retail.Integrations;
using Retail.Registers;

namespace Retail.Tests.Integrations;

public sealed class WebhookRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_signature_covers_the_timestamp_and_the_body_and_verifies_with_the_secret_only()
    {
        var signature = WebhookSignature.Sign("secret-of-the-crm", 1_780_000_000, "{\"id\":\"e1\"}");

        Assert.Matches("^sha256=[0-9a-f]{64}$", signature);
        Assert.True(WebhookSignature.Verify("secret-of-the-crm", 1_780_000_000, "{\"id\":\"e1\"}", signature));
        Assert.False(WebhookSignature.Verify("secret-of-the-crm", 1_780_000_001, "{\"id\":\"e1\"}", signature));
        Assert.False(WebhookSignature.Verify("secret-of-the-crm", 1_780_000_000, "{\"id\":\"e2\"}", signature));
        Assert.False(WebhookSignature.Verify("another-secret", 1_780_000_000, "{\"id\":\"e1\"}", signature));
        Assert.False(WebhookSignature.Verify("secret-of-the-crm", 1_780_000_000, "{\"id\":\"e1\"}", "sha256=00"));
    }

    [Fact]
    public void Retries_double_from_a_second_up_to_an_hour_with_jitter_and_park_after_the_give_up_time()
    {
        var giveUp = TimeSpan.FromHours(72);
        Assert.Equal(Now.AddSeconds(0.5), WebhookRetries.Next(1, Now, Now, giveUp, 0));
        Assert.Equal(Now.AddSeconds(4), WebhookRetries.Next(4, Now, Now, giveUp, 0));
        Assert.InRange(WebhookRetries.Next(4, Now, Now, giveUp, 0.99)!.Value, Now.AddSeconds(7.9), Now.AddSeconds(8));
        Assert.Equal(Now.AddMinutes(30), WebhookRetries.Next(13, Now, Now, giveUp, 0));
        Assert.Equal(Now.AddMinutes(30), WebhookRetries.Next(60, Now, Now, giveUp, 0));
        Assert.NotNull(WebhookRetries.Next(70, Now, Now.Add(giveUp).AddSeconds(-1), giveUp, 0.5));
        Assert.Null(WebhookRetries.Next(70, Now, Now.Add(giveUp), giveUp, 0.5));
    }

    [Theory]
    [InlineData("https://crm.example.ru/hooks", true)]
    [InlineData("http://93.184.216.34:8080/x", true)]
    [InlineData("http://127.0.0.1/x", false)]
    [InlineData("http://localhost:5000/x", false)]
    [InlineData("http://10.0.0.5/x", false)]
    [InlineData("http://172.16.1.1/x", false)]
    [InlineData("http://192.168.1.10/x", false)]
    [InlineData("http://169.254.169.254/latest/meta-data", false)]
    [InlineData("http://100.64.0.1/x", false)]
    [InlineData("http://[::1]/x", false)]
    [InlineData("http://[fd00::1]/x", false)]
    [InlineData("http://[::ffff:10.0.0.1]/x", false)]
    [InlineData("http://0.0.0.0/x", false)]
    public void Private_loopback_and_link_local_targets_are_refused_unless_allowed(string url, bool allowed)
    {
        Assert.Equal(allowed, WebhookTargets.CheckUrl(url, allowPrivate: false) is null);
        Assert.Null(WebhookTargets.CheckUrl(url, allowPrivate: true));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("crm.example.ru/hooks")]
    [InlineData("ftp://crm.example.ru/hooks")]
    [InlineData("file:///etc/passwd")]
    [InlineData("https://user:secret@crm.example.ru/")]
    public void A_target_is_an_absolute_http_url_without_credentials(string? url)
    {
        Assert.Equal("url", WebhookTargets.CheckUrl(url, allowPrivate: true)?.Field);
    }

    [Fact]
    public void The_address_actually_connected_to_is_judged_too()
    {
        Assert.False(WebhookTargets.IsPublic(IPAddress.Parse("127.0.0.2")));
        Assert.False(WebhookTargets.IsPublic(IPAddress.Parse("::ffff:192.168.0.1")));
        Assert.False(WebhookTargets.IsPublic(IPAddress.Parse("fe80::1")));
        Assert.False(WebhookTargets.IsPublic(IPAddress.Parse("239.1.1.1")));
        Assert.True(WebhookTargets.IsPublic(IPAddress.Parse("77.88.8.8")));
        Assert.True(WebhookTargets.IsPublic(IPAddress.Parse("2a02:6b8::feed:0ff")));
    }

    [Fact]
    public void A_receipt_entry_announces_one_receipt_event_named_after_its_fiscal_document()
    {
        var document = JsonSerializer.Serialize(new
        {
            receipt = new { id = "sale-1", registerId = "till-1", storeId = "msk-1", fnSerial = "9999078900001234", fiscalDocumentNumber = 42, total = 560.96m },
            stock = Array.Empty<object>(),
        });
        var entry = new JournalEntry("till-1", 7, JournalKinds.Receipt, "sale-1", 42, "fp", Encoding.UTF8.GetBytes(document), "{}"u8.ToArray(), Now, "msk-1", "9999078900001234");

        var item = Assert.Single(WebhookEvents.From(entry));

        Assert.Equal(("receipt:9999078900001234:42", WebhookEventTypes.ReceiptFiscalized, "msk-1", Now), (item.Id, item.Type, item.StoreId, item.OccurredAt));
        var body = JsonDocument.Parse(item.Body).RootElement;
        Assert.Equal((item.Id, item.Type), (body.GetProperty("id").GetString(), body.GetProperty("type").GetString()));
        Assert.Equal(Now, body.GetProperty("occurredAt").GetDateTimeOffset());
        Assert.Equal(560.96m, body.GetProperty("data").GetProperty("total").GetDecimal());
    }

    [Fact]
    public void A_receipt_for_a_buyer_who_gave_a_contact_announces_the_e_receipt_too()
    {
        var document = JsonSerializer.Serialize(new
        {
            receipt = new { id = "sale-2", fnSerial = "9999078900001234", fiscalDocumentNumber = 43, total = 10m, customerContact = "+79001234567" },
        });
        var entry = new JournalEntry("till-1", 8, JournalKinds.Receipt, "sale-2", 43, "fp", Encoding.UTF8.GetBytes(document), "{}"u8.ToArray(), Now, "msk-1", "9999078900001234");

        var events = WebhookEvents.From(entry).ToList();

        Assert.Equal([("receipt:9999078900001234:43", WebhookEventTypes.ReceiptFiscalized), ("ereceipt:9999078900001234:43", WebhookEventTypes.ReceiptEReceipt)],
            events.Select(e => (e.Id, e.Type)));
        Assert.Equal("+79001234567", JsonDocument.Parse(events[1].Body).RootElement.GetProperty("data").GetProperty("customerContact").GetString());
    }

    [Fact]
    public void A_document_entry_announces_the_events_it_journaled_and_other_entries_none()
    {
        var paid = new DocumentEvent("order/o-1:3", DocumentEvents.OrderPaid, Now, "msk-1", "{\"orderId\":\"o-1\",\"crmDealId\":\"deal-7\"}");
        var document = JsonSerializer.Serialize(new DocumentEntry("pay", [], [paid]), RegisterGrain.Json);
        var entry = new JournalEntry("order/o-1", 3, DocumentJournal<object>.Kind, null, null, null, Encoding.UTF8.GetBytes(document), "{}"u8.ToArray(), Now);

        var item = Assert.Single(WebhookEvents.From(entry));

        Assert.Equal(("order/o-1:3", WebhookEventTypes.OrderPaid, "msk-1"), (item.Id, item.Type, item.StoreId));
        Assert.Equal("deal-7", JsonDocument.Parse(item.Body).RootElement.GetProperty("data").GetProperty("crmDealId").GetString());
        Assert.Empty(WebhookEvents.From(entry with { Kind = JournalKinds.ShiftOpen, Document = "{}"u8.ToArray() }));
    }

    [Fact]
    public void A_subscription_wants_its_events_of_its_stores_from_its_creation_on()
    {
        var subscription = new WebhookSubscription("wh-1", new WebhookSpec("https://crm.example.ru", [WebhookEventTypes.OrderPaid], "secret-secret-secret", ["msk-1"], "key-1"), Now);
        WebhookEvent Event(string type, string? store, DateTimeOffset at) => WebhookEvents.Make("e", type, at, store, "{}");

        Assert.True(subscription.Wants(Event(WebhookEventTypes.OrderPaid, "msk-1", Now)));
        Assert.False(subscription.Wants(Event(WebhookEventTypes.OrderPaid, "spb-1", Now)));
        Assert.False(subscription.Wants(Event(WebhookEventTypes.OrderExpired, "msk-1", Now)));
        Assert.False(subscription.Wants(Event(WebhookEventTypes.OrderPaid, "msk-1", Now.AddSeconds(-1))));
        Assert.False((subscription with { DeletedAt = Now }).Wants(Event(WebhookEventTypes.OrderPaid, "msk-1", Now)));
        Assert.True((subscription with { Spec = subscription.Spec with { StoreIds = null } }).Wants(Event(WebhookEventTypes.OrderPaid, "spb-1", Now)));
    }
}
