using System.Net;
using System.Text.Json;
using Retail.Api.Stock;
using Retail.Catalog;
using Retail.Common;
using Retail.Stock;

namespace Retail.Tests.Http;

[Collection(ApiCollection.Name)]
public sealed class StockApiTests(ApiFactory api)
{
    private readonly HttpClient client = api.Admin();

    private async Task<(string Store, string Sku)> NewPairAsync()
    {
        var store = $"st-{Guid.NewGuid():N}"[..14];
        var sku = $"sku-{Guid.NewGuid():N}"[..14];
        (await client.PutJson($"/api/v1/stores/{store}", new { name = "Store", address = "Moscow", timeZone = "Europe/Moscow", inn = "7707083893", taxationSystem = "osn" })).EnsureSuccessStatusCode();
        (await client.PutJson($"/api/v1/skus/{sku}", new { name = "Milk", unit = "pcs", vat = "vat10", price = 89.9m, kind = "goods" })).EnsureSuccessStatusCode();
        return (store, sku);
    }

    private Task<StockLevel> ReadStock(string store, string sku) =>
        client.GetAsync($"/api/v1/stores/{store}/stock/{sku}").ContinueWith(t => t.Result.ReadOk<StockLevel>()).Unwrap();

    [Fact]
    public async Task Stores_are_created_read_and_listed()
    {
        var (store, _) = await NewPairAsync();

        var read = await (await client.GetAsync($"/api/v1/stores/{store}")).ReadOk<JsonElement>();
        var all = await (await client.GetAsync("/api/v1/stores")).ReadOk<JsonElement>();

        Assert.Equal("Europe/Moscow", read.GetProperty("timeZone").GetString());
        Assert.Equal("osn", read.GetProperty("taxationSystem").GetString());
        Assert.Contains(all.EnumerateArray(), s => s.GetProperty("storeId").GetString() == store);
    }

    [Fact]
    public async Task A_sku_is_read_back_with_money_in_kopecks_and_its_recipe()
    {
        var (_, sku) = await NewPairAsync();
        var dish = $"dish-{Guid.NewGuid():N}"[..14];
        (await client.PutJson($"/api/v1/skus/{dish}", new { name = "Latte", unit = "pcs", vat = "vat22", price = 220, kind = "dish", components = new[] { new { sku, quantity = 0.2m } } })).EnsureSuccessStatusCode();

        var read = await (await client.GetAsync($"/api/v1/skus/{dish}")).ReadOk<JsonElement>();

        Assert.Equal("220.00", read.GetProperty("price").GetRawText());
        Assert.Equal("vat22", read.GetProperty("vat").GetString());
        Assert.Equal(sku, read.GetProperty("components")[0].GetProperty("sku").GetString());
    }

    [Fact]
    public async Task A_recipe_that_leads_back_to_itself_is_refused()
    {
        var a = $"a-{Guid.NewGuid():N}"[..12];
        var b = $"b-{Guid.NewGuid():N}"[..12];
        var c = $"c-{Guid.NewGuid():N}"[..12];
        (await client.PutJson($"/api/v1/skus/{c}", new { name = "C", unit = "pcs", vat = "vat22", price = 1, kind = "goods" })).EnsureSuccessStatusCode();
        (await client.PutJson($"/api/v1/skus/{b}", new { name = "B", unit = "pcs", vat = "vat22", price = 1, kind = "dish", components = new[] { new { sku = c, quantity = 1 } } })).EnsureSuccessStatusCode();
        (await client.PutJson($"/api/v1/skus/{a}", new { name = "A", unit = "pcs", vat = "vat22", price = 1, kind = "dish", components = new[] { new { sku = b, quantity = 1 } } })).EnsureSuccessStatusCode();

        // Redefining B to use A would close the loop A -> B -> A.
        var cycle = await client.PutJson($"/api/v1/skus/{b}", new { name = "B", unit = "pcs", vat = "vat22", price = 1, kind = "dish", components = new[] { new { sku = a, quantity = 1 } } });
        var self = await client.PutJson($"/api/v1/skus/{a}", new { name = "A", unit = "pcs", vat = "vat22", price = 1, kind = "dish", components = new[] { new { sku = a, quantity = 1 } } });
        var unknown = await client.PutJson($"/api/v1/skus/{a}", new { name = "A", unit = "pcs", vat = "vat22", price = 1, kind = "dish", components = new[] { new { sku = "nope", quantity = 1 } } });

        await cycle.AssertProblem(HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "components");
        await self.AssertProblem(HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "components");
        await unknown.AssertProblem(HttpStatusCode.NotFound, ErrorCodes.UnknownSku);
        var bNow = await (await client.GetAsync($"/api/v1/skus/{b}")).ReadOk<JsonElement>();
        Assert.Equal(c, bNow.GetProperty("components")[0].GetProperty("sku").GetString());
    }

    [Fact]
    public async Task Movements_change_stock_and_history_lists_them_newest_first()
    {
        var (store, sku) = await NewPairAsync();
        Assert.Equal(StockLevel.Empty(store, sku), await ReadStock(store, sku));

        var received = await (await client.PostJson($"/api/v1/stores/{store}/stock/{sku}/movements", new { id = "in-1", type = "goodsReceipt", quantity = 12.5m })).ReadOk<StockLevel>();
        var written = await (await client.PostJson($"/api/v1/stores/{store}/stock/{sku}/movements", new { id = "wo-1", type = "writeOff", quantity = 0.5m, reason = "damaged" })).ReadOk<StockLevel>();
        var corrected = await (await client.PostJson($"/api/v1/stores/{store}/stock/{sku}/movements", new { id = "co-1", type = "correction", quantity = -2 })).ReadOk<StockLevel>();

        Assert.Equal(12.5m, received.OnHand);
        Assert.Equal(12m, written.OnHand);
        Assert.Equal(new StockLevel(store, sku, 10, 0, 0, 3), corrected);
        Assert.Equal(corrected, await ReadStock(store, sku));

        var history = await (await client.GetAsync($"/api/v1/stores/{store}/stock/{sku}/movements")).ReadOk<JsonElement>();
        Assert.Equal(["co-1", "wo-1", "in-1"], history.EnumerateArray().Select(m => m.GetProperty("id").GetString()));
        Assert.Equal("writeOff", history[1].GetProperty("type").GetString());
        Assert.Equal(10, history[0].GetProperty("onHandAfter").GetDecimal());
        Assert.True(history[0].TryGetProperty("recordedAt", out _) && history[0].TryGetProperty("occurredAt", out _) && history[0].TryGetProperty("document", out _));

        var page = await (await client.GetAsync($"/api/v1/stores/{store}/stock/{sku}/movements?limit=1&before=3")).ReadOk<JsonElement>();
        Assert.Equal("wo-1", Assert.Single(page.EnumerateArray()).GetProperty("id").GetString());
    }

    [Fact]
    public async Task A_retried_movement_returns_the_first_result_and_another_body_conflicts()
    {
        var (store, sku) = await NewPairAsync();
        var first = await (await client.PostJson($"/api/v1/stores/{store}/stock/{sku}/movements", new { id = "in-1", type = "goodsReceipt", quantity = 5 })).ReadOk<StockLevel>();
        await client.PostJson($"/api/v1/stores/{store}/stock/{sku}/movements", new { id = "in-2", type = "goodsReceipt", quantity = 1 });

        var retry = await (await client.PostJson($"/api/v1/stores/{store}/stock/{sku}/movements", new { id = "in-1", type = "goodsReceipt", quantity = 5 })).ReadOk<StockLevel>();
        var conflict = await client.PostJson($"/api/v1/stores/{store}/stock/{sku}/movements", new { id = "in-1", type = "goodsReceipt", quantity = 6 });

        Assert.Equal(first, retry);
        await conflict.AssertProblem(HttpStatusCode.Conflict, ErrorCodes.IdempotencyConflict);
        Assert.Equal(6, (await ReadStock(store, sku)).OnHand);
    }

    [Fact]
    public async Task Store_list_pages_and_filters_negative_stock_and_the_chain_view_sums_stores()
    {
        var (store, sku) = await NewPairAsync();
        var (store2, _) = await NewPairAsync();
        var sku2 = $"z-{Guid.NewGuid():N}"[..12];
        (await client.PutJson($"/api/v1/skus/{sku2}", new { name = "Z", unit = "kg", vat = "vat10", price = 10, kind = "goods" })).EnsureSuccessStatusCode();
        await client.PostJson($"/api/v1/stores/{store}/stock/{sku}/movements", new { id = "a", type = "goodsReceipt", quantity = 4 });
        await client.PostJson($"/api/v1/stores/{store}/stock/{sku2}/movements", new { id = "b", type = "writeOff", quantity = 1.25m });
        await client.PostJson($"/api/v1/stores/{store2}/stock/{sku}/movements", new { id = "c", type = "goodsReceipt", quantity = 6 });

        var negative = await Eventually.Until(
            async () => await (await client.GetAsync($"/api/v1/stores/{store}/stock?negative=true")).ReadOk<StockPage>(),
            p => p.Total == 1);
        var paged = await Eventually.Until(
            async () => await (await client.GetAsync($"/api/v1/stores/{store}/stock?page=2&pageSize=1")).ReadOk<StockPage>(),
            p => p.Total == 2);
        var chain = await Eventually.Until(
            async () => await (await client.GetAsync($"/api/v1/skus/{sku}/stock")).ReadOk<ChainStock>(),
            c => c.Stores.Count == 2);

        Assert.Equal(sku2, Assert.Single(negative.Items).Sku);
        Assert.Equal(-1.25m, negative.Items[0].OnHand);
        Assert.Equal(2, paged.Total);
        Assert.Single(paged.Items);
        Assert.Equal(10, chain.OnHand);
        Assert.Equal([4m, 6m], chain.Stores.OrderBy(s => s.OnHand).Select(s => s.OnHand));
    }

    public static TheoryData<string, string> BadMovements => new()
    {
        { """{"id":"m","type":"teleport","quantity":1}""", "type" },
        { """{"id":"m","type":"sale","quantity":1}""", "type" },
        { """{"id":"m","type":"goodsReceipt","quantity":0}""", "quantity" },
        { """{"id":"m","type":"writeOff","quantity":-1}""", "quantity" },
        { """{"id":"m","type":"correction","quantity":0}""", "quantity" },
        { """{"id":"m","type":"goodsReceipt","quantity":1.0005}""", "quantity" },
        { """{"id":"m","type":"goodsReceipt","quantity":"ten"}""", "quantity" },
        { """{"id":"m","type":"goodsReceipt"}""", "quantity" },
        { """{"id":"","type":"goodsReceipt","quantity":1}""", "id" },
        { $$"""{"id":"{{new string('x', 129)}}","type":"goodsReceipt","quantity":1}""", "id" },
        { """{"type":"goodsReceipt","quantity":1}""", "id" },
        { """{"id":"m","type":3,"quantity":1}""", "type" },
        { """{"id":"m","type":"goodsReceipt","quantity":1""", "quantity" },
        { """not json""", "body" },
    };

    [Theory]
    [MemberData(nameof(BadMovements))]
    public async Task A_bad_movement_is_a_400_naming_the_field_and_changes_nothing(string body, string field)
    {
        var (store, sku) = await NewPairAsync();
        await client.PostJson($"/api/v1/stores/{store}/stock/{sku}/movements", new { id = "seed", type = "goodsReceipt", quantity = 3 });

        var response = await client.PostRaw($"/api/v1/stores/{store}/stock/{sku}/movements", body);

        await response.AssertProblem(HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, field);
        Assert.Equal(new StockLevel(store, sku, 3, 0, 0, 1), await ReadStock(store, sku));
    }

    [Fact]
    public async Task Unknown_store_or_sku_is_a_404_with_its_code_and_changes_nothing()
    {
        var (store, sku) = await NewPairAsync();

        await (await client.PostJson($"/api/v1/stores/nowhere/stock/{sku}/movements", new { id = "m", type = "goodsReceipt", quantity = 1 }))
            .AssertProblem(HttpStatusCode.NotFound, ErrorCodes.UnknownStore);
        await (await client.PostJson($"/api/v1/stores/{store}/stock/nothing/movements", new { id = "m", type = "goodsReceipt", quantity = 1 }))
            .AssertProblem(HttpStatusCode.NotFound, ErrorCodes.UnknownSku);
        await (await client.GetAsync($"/api/v1/stores/nowhere/stock/{sku}")).AssertProblem(HttpStatusCode.NotFound, ErrorCodes.UnknownStore);
        await (await client.GetAsync("/api/v1/skus/nothing")).AssertProblem(HttpStatusCode.NotFound, ErrorCodes.UnknownSku);
        await (await client.GetAsync("/api/v1/stores/nowhere")).AssertProblem(HttpStatusCode.NotFound, ErrorCodes.UnknownStore);
        await (await client.GetAsync("/api/v1/skus/nothing/stock")).AssertProblem(HttpStatusCode.NotFound, ErrorCodes.UnknownSku);
        Assert.Equal(0, (await ReadStock(store, sku)).Version);
    }

    [Fact]
    public async Task A_body_over_one_mebibyte_is_refused_and_changes_nothing()
    {
        var (store, sku) = await NewPairAsync();
        var huge = $$"""{"id":"m","type":"goodsReceipt","quantity":1,"reason":"{{new string('x', 1024 * 1024)}}"}""";

        var response = await client.PostRaw($"/api/v1/stores/{store}/stock/{sku}/movements", huge);

        await response.AssertProblem(HttpStatusCode.RequestEntityTooLarge, ErrorCodes.PayloadTooLarge);
        Assert.Equal(0, (await ReadStock(store, sku)).Version);
    }

    public static TheoryData<string, object, string> BadMasterData => new()
    {
        { "/api/v1/stores/s1", new { name = "", timeZone = "Europe/Moscow", inn = "7707083893", taxationSystem = "osn" }, "name" },
        { "/api/v1/stores/s1", new { name = "S", timeZone = "Mars/Olympus", inn = "7707083893", taxationSystem = "osn" }, "timeZone" },
        { "/api/v1/stores/s1", new { name = "S", timeZone = "Europe/Moscow", inn = "7707083894", taxationSystem = "osn" }, "inn" },
        { "/api/v1/stores/s1", new { name = "S", timeZone = "Europe/Moscow", inn = "7707083893", taxationSystem = "vat" }, "taxationSystem" },
        { "/api/v1/stores/bad%20id", new { name = "S", timeZone = "Europe/Moscow", inn = "7707083893", taxationSystem = "osn" }, "storeId" },
        { "/api/v1/skus/k1", new { name = "K", unit = "barrel", vat = "vat22", price = 1, kind = "goods" }, "unit" },
        { "/api/v1/skus/k1", new { name = "K", unit = "pcs", vat = "vat20", price = 1, kind = "goods" }, "vat" },
        { "/api/v1/skus/k1", new { name = "K", unit = "pcs", vat = "vat22", price = 1.001, kind = "goods" }, "price" },
        { "/api/v1/skus/k1", new { name = "K", unit = "pcs", vat = "vat22", price = -1, kind = "goods" }, "price" },
        { "/api/v1/skus/k1", new { name = "K", unit = "pcs", vat = "vat22", price = 1, kind = "goods", components = new[] { new { sku = "x", quantity = 1 } } }, "components" },
    };

    [Theory]
    [MemberData(nameof(BadMasterData))]
    public async Task Bad_master_data_is_a_400_naming_the_field_and_creates_nothing(string url, object body, string field)
    {
        var response = await client.PutJson(url, body);

        await response.AssertProblem(HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, field);
        var readBack = await client.GetAsync(url);
        Assert.True(readBack.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Without_a_valid_token_nothing_is_answered_or_changed()
    {
        var (store, sku) = await NewPairAsync();
        var anonymous = api.CreateClient();
        var wrong = api.CreateClient();
        wrong.DefaultRequestHeaders.Authorization = new("Bearer", "not-the-token");

        await (await anonymous.GetAsync($"/api/v1/stores/{store}/stock/{sku}")).AssertProblem(HttpStatusCode.Unauthorized, ErrorCodes.Unauthorized);
        await (await wrong.PostJson($"/api/v1/stores/{store}/stock/{sku}/movements", new { id = "m", type = "goodsReceipt", quantity = 1 }))
            .AssertProblem(HttpStatusCode.Unauthorized, ErrorCodes.Unauthorized);
        Assert.Equal(0, (await ReadStock(store, sku)).Version);
    }

    [Fact]
    public async Task Health_endpoints_answer_without_a_token()
    {
        var anonymous = api.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/ready")).StatusCode);
    }
}
