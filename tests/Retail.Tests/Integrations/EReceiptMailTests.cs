using System.Net;
using System.Text.Json;
using MimeKit;
using Retail.Registers;
using Retail.Tests.Http;

namespace Retail.Tests.Integrations;

/// <summary>E-receipts reach the buyer's mailbox through a real SMTP server, with the receipt's fiscal attributes and its QR code.</summary>
[Collection(WebhookCollection.Name)]
public sealed class EReceiptMailTests(WebhookApiFactory api)
{
    private readonly TestChain chain = new(api);

    private async Task<JsonElement> SellAsync(string register, string sku, string email) =>
        await (await chain.Admin.PostJson($"/api/v1/registers/{register}/receipts", new
        {
            id = TestChain.NewId("sale"), operation = "sell",
            items = new[] { new { sku, quantity = 2, price = 150.5m } },
            payments = new[] { new { type = "electronic", amount = 301m } },
            customer = new { email },
        })).ReadOk<JsonElement>(HttpStatusCode.Created);

    private async Task<List<EReceipt>> OutboxAsync(string store) =>
        await (await chain.Admin.GetAsync($"/api/v1/stores/{store}/e-receipts")).ReadOk<List<EReceipt>>();

    [Fact]
    public async Task A_buyer_who_gave_an_email_gets_the_receipt_with_its_fiscal_attributes_and_qr_code()
    {
        var (store, sku) = (await chain.StoreAsync(), await chain.SkuAsync());
        var register = await chain.RegisterAsync(store);
        await using var smtp = new MailReceiver(api.SmtpPort);
        await smtp.StartAsync();

        var receipt = await SellAsync(register, sku, "buyer@example.ru");

        var outbox = await Eventually.Until(() => OutboxAsync(store), o => o is [{ Status: EReceiptStatus.Sent }]);
        var sent = Assert.Single(outbox);
        Assert.Equal((EReceiptStatus.Sent, 1), (sent.Status, sent.Attempts));
        var message = Assert.Single(smtp.Messages, m => m.To.Mailboxes.Any(b => b.Address == "buyer@example.ru"));
        Assert.Equal("receipts@shop.example.ru", message.From.Mailboxes.Single().Address);
        Assert.Contains($"№ {receipt.GetProperty("receiptNumber").GetInt32()}", message.Subject);
        var html = message.HtmlBody!;
        foreach (var attribute in new[] { receipt.GetProperty("fnSerial").GetString()!, receipt.GetProperty("fiscalDocumentNumber").GetInt64().ToString(),
                     receipt.GetProperty("fiscalSign").GetInt64().ToString(), receipt.GetProperty("registrationNumber").GetString()!, "301,00 ₽", "Kefir" })
            Assert.Contains(attribute, html);
        Assert.Contains(receipt.GetProperty("qr").GetString()!, message.TextBody);
        var qr = Assert.IsType<MimePart>(Assert.Single(message.BodyParts, p => p.ContentType.MimeType == "image/png"));
        await using var image = new MemoryStream();
        await qr.Content!.DecodeToAsync(image);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, image.ToArray()[..4]);
        Assert.Contains($"cid:{qr.ContentId}", html);
    }

    [Fact]
    public async Task An_email_the_mail_server_refused_is_tried_again_and_arrives_once_it_is_back()
    {
        var (store, sku) = (await chain.StoreAsync(), await chain.SkuAsync());
        var register = await chain.RegisterAsync(store);
        await using var smtp = new MailReceiver(api.SmtpPort); // not started: the server is down

        await SellAsync(register, sku, "first@example.ru");
        var failed = await Eventually.Until(() => OutboxAsync(store), o => o is [{ Attempts: >= 1 }]);
        Assert.Equal(EReceiptStatus.Queued, failed[0].Status);
        Assert.NotNull(failed[0].LastError);
        Assert.NotNull(failed[0].NextAttemptAt);

        await smtp.StartAsync();
        api.Clock.Advance(TimeSpan.FromHours(1)); // past the backoff
        await SellAsync(register, sku, "second@example.ru");

        var outbox = await Eventually.Until(() => OutboxAsync(store), o => o.Count == 2 && o.All(e => e.Status == EReceiptStatus.Sent));
        Assert.All(outbox, e => Assert.Equal(EReceiptStatus.Sent, e.Status));
        Assert.Equal(["first@example.ru", "second@example.ru"],
            smtp.Messages.SelectMany(m => m.To.Mailboxes).Select(b => b.Address).Where(a => a.EndsWith("@example.ru")).Order());
    }

    [Fact]
    public void The_mail_is_composed_from_the_receipt_alone()
    {
        var receipt = new ReceiptDocument("sale-1", "till-1", "msk-1", "sell", 42, 3, 7, 3_449_555_941, "9999078900001234", "0000000001002292",
            new DateTimeOffset(2026, 12, 2, 14, 5, 0, TimeSpan.FromHours(3)), 560.96m, [new VatLine("vat22", 101.16m)],
            "t=20261202T1405&s=560.96&fn=9999078900001234&i=42&fp=3449555941&n=1",
            [new ReceiptLineView("kefir", "Кефир 1%", 3, 79.9m, 239.7m, "vat22", 43.22m, null)], [new PaymentView("cash", 600)], 39.04m, "buyer@example.ru");

        var message = EReceiptMail.Compose(receipt, new Catalog.Store("msk-1", "Магазин у дома", "Москва", "Europe/Moscow", "7707083893", Catalog.TaxationSystem.Osn),
            "receipts@shop.example.ru", "buyer@example.ru");

        Assert.Equal("Кассовый чек № 7, Магазин у дома", message.Subject);
        foreach (var text in new[] { "Кефир 1%", "560,96 ₽", "3449555941", "9999078900001234", "0000000001002292", "02.12.2026 14:05", "7707083893" })
            Assert.Contains(text, message.HtmlBody);
    }
}
