using System.Net;
using System.Text.Json;
using Retail.Common;

namespace Retail.Tests.Http;

[Collection(ApiCollection.Name)]
public sealed class AnalyticsAndProcurementApiTests(ApiFactory api)
{
    private readonly HttpClient client = api.Admin();

    private async Task<(string Store, string Register)> StoreWithSalesAsync()
    {
        var store = $"st-{Guid.NewGuid():N}"[..14];
        var register = $"till-{Guid.NewGuid():N}"[..14];
        (await client.PutJson($"/api/v1/stores/{store}", new { name = "Store", timeZone = "Asia/Novosibirsk", inn = "7707083893", taxationSystem = "osn" })).EnsureSuccessStatusCode();
        (await client.PutJson("/api/v1/skus/pen", new { name = "Pen", unit = "pcs", vat = "vat22", price = 30, kind = "goods", supply = new { leadTimeDays = 5, packSize = 10 } })).EnsureSuccessStatusCode();
        (await client.PutJson("/api/v1/skus/ink", new { name = "Ink", unit = "pcs", vat = "vat22", price = 200, kind = "goods" })).EnsureSuccessStatusCode();
        (await client.PutJson($"/api/v1/registers/{register}", new { storeId = store })).EnsureSuccessStatusCode();
        (await client.PostJson($"/api/v1/registers/{register}/shifts/open", new { cashier = new { name = "A" } })).EnsureSuccessStatusCode();
        foreach (var (id, sku, quantity, price, operation) in new[] { ("s1", "pen", 3, 30m, "sell"), ("s2", "ink", 1, 200m, "sell"), ("s3", "pen", 1, 30m, "sellRefund") })
            (await client.PostJson($"/api/v1/registers/{register}/receipts", new
            {
                id, operation, items = new[] { new { sku, quantity, price } }, payments = new[] { new { type = "electronic", amount = quantity * price } },
            })).EnsureSuccessStatusCode();
        return (store, register);
    }

    [Fact]
    public async Task Sales_top_and_abc_answer_from_the_receipts()
    {
        var (store, _) = await StoreWithSalesAsync();

        var sales = await Eventually.Until(
            async () => await (await client.GetAsync($"/api/v1/analytics/stores/{store}/sales?bucket=hour")).ReadOk<JsonElement>(),
            s => s.GetProperty("buckets").EnumerateArray().Sum(b => b.GetProperty("receipts").GetInt32() + b.GetProperty("refunds").GetInt32()) == 3);
        var top = await (await client.GetAsync($"/api/v1/analytics/stores/{store}/top?by=revenue&limit=1")).ReadOk<JsonElement>();
        var abc = await (await client.GetAsync($"/api/v1/analytics/stores/{store}/abc")).ReadOk<JsonElement>();
        var chain = await (await client.GetAsync("/api/v1/analytics/chain/sales?bucket=day")).ReadOk<JsonElement>();

        // Units and revenue are net of the refund: 3 + 1 - 1 pens and inks; 90 + 200 - 30 rubles; average sell ticket 145.
        var buckets = sales.GetProperty("buckets").EnumerateArray().ToList();
        Assert.Equal((2, 3m, 260m, 1), (buckets.Sum(b => b.GetProperty("receipts").GetInt32()), buckets.Sum(b => b.GetProperty("units").GetDecimal()),
            buckets.Sum(b => b.GetProperty("revenue").GetDecimal()), buckets.Sum(b => b.GetProperty("refunds").GetInt32())));
        if (buckets.Count == 1)
            Assert.Equal(145m, buckets[0].GetProperty("averageTicket").GetDecimal());
        Assert.All(buckets, b => Assert.EndsWith("+07:00", b.GetProperty("start").GetString()));
        Assert.Equal("ink", Assert.Single(top.EnumerateArray()).GetProperty("sku").GetString());
        Assert.Equal(["A", "C"], abc.EnumerateArray().Select(e => e.GetProperty("class").GetString()));
        Assert.True(chain.GetProperty("buckets").EnumerateArray().Sum(b => b.GetProperty("revenue").GetDecimal()) >= 260m);
    }

    [Fact]
    public async Task Purchase_orders_move_incoming_into_on_hand()
    {
        var (store, _) = await StoreWithSalesAsync();
        var id = $"po-{Guid.NewGuid():N}"[..16];

        var created = await client.PostJson("/api/v1/purchase-orders", new { id, storeId = store, supplier = "Office", lines = new[] { new { sku = "pen", quantity = 40 } } });
        var level = await (await client.GetAsync($"/api/v1/stores/{store}/stock/pen")).ReadOk<JsonElement>();
        var received = await (await client.PostJson($"/api/v1/purchase-orders/{id}/receive", new { id = "d1", lines = new[] { new { sku = "pen", quantity = 15 } } })).ReadOk<JsonElement>();
        var after = await (await client.GetAsync($"/api/v1/stores/{store}/stock/pen")).ReadOk<JsonElement>();
        var read = await (await client.GetAsync($"/api/v1/purchase-orders/{id}")).ReadOk<JsonElement>();
        var suggestions = await (await client.GetAsync($"/api/v1/procurement/stores/{store}/suggestions?all=true")).ReadOk<JsonElement>();

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal((-2m, 40m), (level.GetProperty("onHand").GetDecimal(), level.GetProperty("incoming").GetDecimal()));
        Assert.Equal("partiallyReceived", received.GetProperty("status").GetString());
        Assert.Equal((13m, 25m), (after.GetProperty("onHand").GetDecimal(), after.GetProperty("incoming").GetDecimal()));
        Assert.Equal(15m, read.GetProperty("lines")[0].GetProperty("received").GetDecimal());
        var pen = suggestions.EnumerateArray().Single(s => s.GetProperty("sku").GetString() == "pen");
        Assert.Equal((13m, 25m), (pen.GetProperty("available").GetDecimal(), pen.GetProperty("incoming").GetDecimal()));
        Assert.True(pen.TryGetProperty("stockoutDate", out _) && pen.TryGetProperty("daysOfCover", out _) && pen.TryGetProperty("reorderPoint", out _));
    }

    public static TheoryData<string, string> BadQueries => new()
    {
        { "/api/v1/analytics/stores/{store}/sales?bucket=week", "bucket" },
        { "/api/v1/analytics/stores/{store}/sales?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", "from" },
        { "/api/v1/analytics/stores/{store}/sales?from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z", "to" },
        { "/api/v1/analytics/stores/{store}/top?by=margin", "by" },
        { "/api/v1/analytics/stores/{store}/top?limit=0", "limit" },
        { "/api/v1/analytics/chain/top?limit=5000", "limit" },
    };

    [Theory]
    [MemberData(nameof(BadQueries))]
    public async Task Bad_queries_are_400_naming_the_parameter(string url, string field)
    {
        var (store, _) = await StoreWithSalesAsync();

        await (await client.GetAsync(url.Replace("{store}", store))).AssertProblem(HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, field);
    }

    [Fact]
    public async Task Bad_purchase_orders_change_nothing()
    {
        var (store, _) = await StoreWithSalesAsync();
        var id = $"po-{Guid.NewGuid():N}"[..16];

        await (await client.PostJson("/api/v1/purchase-orders", new { id, storeId = store, supplier = "X", lines = new[] { new { sku = "pen", quantity = 0 } } }))
            .AssertProblem(HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "lines[0].quantity");
        await (await client.PostJson("/api/v1/purchase-orders", new { id, storeId = store, supplier = "X", lines = new[] { new { sku = "ghost", quantity = 1 } } }))
            .AssertProblem(HttpStatusCode.NotFound, ErrorCodes.UnknownSku);
        await (await client.PostJson("/api/v1/purchase-orders", new { id, storeId = "nowhere", supplier = "X", lines = new[] { new { sku = "pen", quantity = 1 } } }))
            .AssertProblem(HttpStatusCode.NotFound, ErrorCodes.UnknownStore);
        await (await client.PostJson($"/api/v1/purchase-orders/{id}/receive", new { lines = new[] { new { sku = "pen", quantity = 1 } } }))
            .AssertProblem(HttpStatusCode.NotFound, ErrorCodes.NotFound);
        await (await client.GetAsync($"/api/v1/purchase-orders/{id}")).AssertProblem(HttpStatusCode.NotFound, ErrorCodes.NotFound);
        var level = await (await client.GetAsync($"/api/v1/stores/{store}/stock/pen")).ReadOk<JsonElement>();
        Assert.Equal(0m, level.GetProperty("incoming").GetDecimal());
    }

    [Fact]
    public async Task A_skus_daily_sales_come_per_local_day_with_the_forecast_after_them()
    {
        var (store, _) = await StoreWithSalesAsync();
        var curve = await Eventually.Until(
            async () => await (await client.GetAsync($"/api/v1/analytics/stores/{store}/skus/pen/daily?days=5&ahead=3")).ReadOk<JsonElement>(),
            c => c.GetProperty("days").EnumerateArray().Sum(d => d.GetProperty("units").GetDecimal()) == 2m);

        var days = curve.GetProperty("days").EnumerateArray().ToList();
        var forecast = curve.GetProperty("forecast").EnumerateArray().ToList();
        // Net of the refund: 3 sold, 1 back, all today in the store's zone (Novosibirsk).
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Asia/Novosibirsk")).DateTime);
        Assert.Equal(5, days.Count);
        Assert.Equal((today, 2m), (DateOnly.Parse(days[^1].GetProperty("date").GetString()!), days[^1].GetProperty("units").GetDecimal()));
        Assert.Equal(today.AddDays(-4), DateOnly.Parse(days[0].GetProperty("date").GetString()!));
        Assert.Equal([today.AddDays(1), today.AddDays(2), today.AddDays(3)], forecast.Select(f => DateOnly.Parse(f.GetProperty("date").GetString()!)));
        Assert.All(forecast, f => Assert.True(f.GetProperty("units").GetDecimal() >= 0));
        // A SKU never sold has a flat curve; bad ranges are refused.
        var none = await (await client.GetAsync($"/api/v1/analytics/stores/{store}/skus/ink-none/daily?days=3&ahead=0")).ReadOk<JsonElement>();
        Assert.Equal((3, 0), (none.GetProperty("days").GetArrayLength(), none.GetProperty("forecast").GetArrayLength()));
        await (await client.GetAsync($"/api/v1/analytics/stores/{store}/skus/pen/daily?days=0")).AssertProblem(HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "days");
        await (await client.GetAsync($"/api/v1/analytics/stores/{store}/skus/pen/daily?ahead=91")).AssertProblem(HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "ahead");
    }
}
