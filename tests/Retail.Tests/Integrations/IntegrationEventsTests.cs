using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Retail.Common;
using Retail.Integrations;
using Retail.Procurement;
using Retail.Stock;
using Retail.Tests.Http;
using Retail.Tests.Registers;

namespace Retail.Tests.Integrations;

/// <summary>The events a CRM or an ERP subscribes to besides receipts and orders: gaps in a till's documents, drafted purchase orders.</summary>
[Collection(WebhookCollection.Name)]
public sealed class IntegrationEventsTests(WebhookApiFactory api)
{
    private readonly TestChain chain = new(api);
    private HttpClient Admin => chain.Admin;

    private static async Task<ReceivedWebhook> OnlyAsync(WebhookReceiver receiver, string type)
    {
        await Eventually.Until(() => Task.FromResult(receiver.Received.Count), count => count >= 1);
        var received = Assert.Single(receiver.Received);
        Assert.Equal(type, received.Json.GetProperty("type").GetString());
        return received;
    }

    private async Task SubscribeAsync(HttpClient client, WebhookReceiver receiver, string type) =>
        (await client.PostJson("/api/v1/webhooks", new { url = receiver.Url, events = new[] { type }, secret = "erp-shared-secret-1234" }))
            .EnsureSuccessStatusCode();

    [Fact]
    public async Task A_device_register_reporting_beyond_the_next_fd_number_announces_the_gap_once()
    {
        var store = await chain.StoreAsync();
        var sku = await chain.SkuAsync();
        var register = TestChain.NewId("kkt");
        var fn = DeviceTill.NewFnSerial();
        (await Admin.PutJson($"/api/v1/registers/{register}", new { storeId = store, mode = "device", fnSerial = fn, registrationNumber = DeviceTill.RegistrationNumber }))
            .EnsureSuccessStatusCode();
        var (_, _, erp) = await chain.KeyAsync("integration", [store]);
        await using var receiver = new WebhookReceiver();
        await receiver.StartAsync();
        await SubscribeAsync(erp, receiver, WebhookEventTypes.RegisterGap);

        var at = DateTimeOffset.UtcNow.AddMinutes(-10).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
        var receipt = new
        {
            id = "late-5", operation = "sell", items = new[] { new { sku, quantity = 1, price = 100 } }, payments = new[] { new { type = "cash", amount = 100 } },
            fiscal = new { fnSerial = fn, fiscalDocumentNumber = 5, fiscalSign = 3_000_000_005L, shiftNumber = 1, receiptNumber = 3, dateTime = at },
        };
        Assert.Equal(HttpStatusCode.Created, (await Admin.PostJson($"/api/v1/registers/{register}/fiscalized-receipts", receipt)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Admin.PostJson($"/api/v1/registers/{register}/fiscalized-receipts", receipt)).StatusCode);

        var gap = await OnlyAsync(receiver, WebhookEventTypes.RegisterGap);
        Assert.Equal((register, store, fn, 2L, 4L), (gap.Data.GetProperty("registerId").GetString(), gap.Data.GetProperty("storeId").GetString(),
            gap.Data.GetProperty("fnSerial").GetString(), gap.Data.GetProperty("firstMissing").GetInt64(), gap.Data.GetProperty("lastMissing").GetInt64()));
        Assert.True(WebhookSignature.Verify("erp-shared-secret-1234", gap.Timestamp, gap.Body, gap.Signature!));
    }

    /// <summary>A week of ten a day, one day at a time (the clock moves; each day's shift is closed and a new one opened).</summary>
    private async Task WeekOfSalesAsync(string register, string sku)
    {
        for (var day = 0; day < 7; day++)
        {
            (await Admin.PostJson($"/api/v1/registers/{register}/receipts", TestChain.Sale(TestChain.NewId("sale"), sku, quantity: 10))).EnsureSuccessStatusCode();
            api.Clock.Advance(TimeSpan.FromDays(1));
            (await Admin.PostJson($"/api/v1/registers/{register}/shifts/close", new { })).EnsureSuccessStatusCode();
            (await Admin.PostJson($"/api/v1/registers/{register}/shifts/open", new { cashier = new { name = "Ivanova" } })).EnsureSuccessStatusCode();
        }
    }

    [Fact]
    public async Task Reading_the_suggestions_sets_no_reorder_point_and_after_the_hourly_refresh_a_sale_below_it_announces_stock_low()
    {
        var store = await chain.StoreAsync();
        var sku = await chain.SkuAsync();
        await chain.ReceiveAsync(store, sku, 100);
        var register = await chain.RegisterAsync(store);
        await WeekOfSalesAsync(register, sku);
        var grains = api.Services.GetRequiredService<IGrainFactory>();
        var stockView = grains.GetGrain<IStoreStockGrain>(GrainKeys.Store(store));
        var (_, _, erp) = await chain.KeyAsync("integration", [store]);
        await using var receiver = new WebhookReceiver();
        await receiver.StartAsync();
        await SubscribeAsync(erp, receiver, WebhookEventTypes.StockLow);

        // Ten a day for the default two days' lead time, no spread: a reorder point of 20, shown but not set.
        var suggested = await Eventually.Until(
            async () => (await (await Admin.GetAsync($"/api/v1/procurement/stores/{store}/suggestions?all=true")).ReadOk<JsonElement>())
                .EnumerateArray().Single(s => s.GetProperty("sku").GetString() == sku),
            s => s.GetProperty("dailyDemand").GetDecimal() == 10m);
        Assert.Equal(20m, suggested.GetProperty("reorderPoint").GetDecimal());
        Assert.Empty(await stockView.ReorderPointsAsync());

        await grains.GetGrain<IProcurementGrain>(GrainKeys.Store(store)).AsReference<IRemindable>().ReceiveReminder(ProcurementGrain.RefreshReminder, default);
        Assert.Equal(20m, (await stockView.ReorderPointsAsync())[sku]);
        // 30 left; eleven more take it to 19.
        (await Admin.PostJson($"/api/v1/registers/{register}/receipts", TestChain.Sale(TestChain.NewId("sale"), sku, quantity: 11))).EnsureSuccessStatusCode();

        var low = await OnlyAsync(receiver, WebhookEventTypes.StockLow);
        Assert.Equal((store, sku, 19m, 20m), (low.Data.GetProperty("storeId").GetString(), low.Data.GetProperty("sku").GetString(),
            low.Data.GetProperty("available").GetDecimal(), low.Data.GetProperty("reorderPoint").GetDecimal()));
        var below = await (await Admin.GetAsync($"/api/v1/stores/{store}/stock?belowReorderPoint=true")).ReadOk<JsonElement>();
        Assert.Equal(sku, Assert.Single(below.GetProperty("items").EnumerateArray()).GetProperty("sku").GetString());
    }

    [Fact]
    public async Task A_purchase_order_drafted_from_the_suggestions_is_announced()
    {
        var store = await chain.StoreAsync();
        var sku = await chain.SkuAsync();
        await chain.ReceiveAsync(store, sku, 75);
        await WeekOfSalesAsync(await chain.RegisterAsync(store), sku);
        await Eventually.Until(
            async () => await (await Admin.GetAsync($"/api/v1/procurement/stores/{store}/suggestions")).ReadOk<JsonElement>(),
            s => s.EnumerateArray().Any(x => x.GetProperty("suggestedQuantity").GetDecimal() > 0));
        var (_, _, manager) = await chain.KeyAsync("manager", [store]);
        var (_, _, erp) = await chain.KeyAsync("integration", [store]);
        await using var receiver = new WebhookReceiver();
        await receiver.StartAsync();
        await SubscribeAsync(erp, receiver, WebhookEventTypes.PurchaseOrderSuggested);

        var id = TestChain.NewId("po");
        var drafted = await (await manager.PostJson($"/api/v1/procurement/stores/{store}/purchase-orders", new { id, supplier = "Dairy" })).ReadOk<JsonElement>(HttpStatusCode.Created);

        var suggested = await OnlyAsync(receiver, WebhookEventTypes.PurchaseOrderSuggested);
        Assert.Equal((id, store, "draft"), (suggested.Data.GetProperty("id").GetString(), suggested.Data.GetProperty("storeId").GetString(),
            suggested.Data.GetProperty("status").GetString()));
        Assert.Equal(drafted.GetProperty("lines").GetRawText(), suggested.Data.GetProperty("lines").GetRawText());
    }
}
