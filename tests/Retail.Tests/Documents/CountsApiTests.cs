using System.Net;
using System.Text.Json;
using Retail.Common;
using Retail.Documents;
using Retail.Stock;
using Retail.Tests.Http;

namespace Retail.Tests.Documents;

[Collection(ApiCollection.Name)]
public sealed class CountsApiTests(ApiFactory api)
{
    private readonly TestChain chain = new(api);
    private HttpClient Admin => chain.Admin;

    private async Task<StockLevel> StockAsync(string store, string sku) =>
        await (await Admin.GetAsync($"/api/v1/stores/{store}/stock/{sku}")).ReadOk<StockLevel>();

    private static string Json(CountReport report) => JsonSerializer.Serialize(report, ApiFactory.Json);

    private Task<HttpResponseMessage> CountAsync(string store, object body) => Admin.PostJson($"/api/v1/stores/{store}/counts", body);

    [Fact]
    public async Task A_count_sets_onhand_to_the_counted_figures_and_reports_each_difference_at_the_price()
    {
        var (store, milk, kefir) = (await chain.StoreAsync(), await chain.SkuAsync(), await chain.SkuAsync());
        await chain.ReceiveAsync(store, milk, 20);
        await chain.ReceiveAsync(store, kefir, 5);
        var id = TestChain.NewId("cnt");

        var report = await (await CountAsync(store, new { id, lines = new object[] { new { sku = milk, counted = 18.5m }, new { sku = kefir, counted = 7, expectedOnHand = 5 } } }))
            .ReadOk<CountReport>(HttpStatusCode.Created);

        Assert.Equal([(milk, 20m, 18.5m, -1.5m, -150m), (kefir, 5m, 7m, 2m, 200m)],
            report.Lines.Select(l => (l.Sku, l.Before!.Value, l.Counted, l.Difference!.Value, l.Value!.Value)));
        Assert.Equal((2, 0, 0.5m, 50m), (report.Posted, report.Refused, report.Difference, report.Value));
        Assert.Equal((18.5m, 7m), ((await StockAsync(store, milk)).OnHand, (await StockAsync(store, kefir)).OnHand));
        var history = await (await Admin.GetAsync($"/api/v1/stores/{store}/stock/{milk}/movements")).ReadOk<JsonElement>();
        Assert.Equal(("countAdjustment", "count", id), (history[0].GetProperty("type").GetString(),
            history[0].GetProperty("document").GetProperty("kind").GetString(), history[0].GetProperty("document").GetProperty("id").GetString()));
        Assert.Equal(Json(report), Json(await (await Admin.GetAsync($"/api/v1/stores/{store}/counts/{id}")).ReadOk<CountReport>()));
    }

    [Fact]
    public async Task A_stale_line_is_refused_on_its_own_while_write_offs_in_flight_are_neither_lost_nor_counted_twice()
    {
        var (store, busy, stale) = (await chain.StoreAsync(), await chain.SkuAsync(), await chain.SkuAsync());
        await chain.ReceiveAsync(store, busy, 1000);
        await chain.ReceiveAsync(store, stale, 10);
        var id = TestChain.NewId("cnt");

        // Stock keeps moving on the busy pair while the count posts.
        var sales = Enumerable.Range(0, 40).Select(i => Admin.PostJson($"/api/v1/stores/{store}/stock/{busy}/movements",
            new { id = $"{id}-off-{i}", type = "writeOff", quantity = 1, reason = "damaged" })).ToList();
        var counting = CountAsync(store, new { id, lines = new object[] { new { sku = busy, counted = 900 }, new { sku = stale, counted = 3, expectedOnHand = 9 } } });
        foreach (var sale in sales)
            (await sale).EnsureSuccessStatusCode();
        var report = await (await counting).ReadOk<CountReport>(HttpStatusCode.Created);

        var stock = await StockAsync(store, busy);
        var history = (await (await Admin.GetAsync($"/api/v1/stores/{store}/stock/{busy}/movements?limit=100")).ReadOk<List<StockMovementRecord>>())
            .OrderBy(r => r.Version).ToList();
        var count = history.Single(r => r.Type == MovementType.CountAdjustment);
        var before = history.Single(r => r.Version == count.Version - 1);
        var salesAfter = history.Count(r => r.Type == MovementType.WriteOff && r.Version > count.Version);
        var line = report.Lines.Single(l => l.Sku == busy);
        Assert.Equal(41 + 1, history.Count);
        Assert.Equal(before.OnHandAfter, line.Before);
        Assert.Equal(900m - before.OnHandAfter, line.Difference);
        Assert.Equal(900m - salesAfter, stock.OnHand);
        var refused = report.Lines.Single(l => l.Sku == stale);
        Assert.Equal((ErrorCodes.StaleQuantity, 10m), (refused.Problem?.Code, refused.Before));
        Assert.Equal((1, 1), (report.Posted, report.Refused));
        Assert.Equal(10m, (await StockAsync(store, stale)).OnHand);
    }

    [Fact]
    public async Task A_full_count_sets_what_it_does_not_list_to_zero()
    {
        var (store, listed, forgotten) = (await chain.StoreAsync(), await chain.SkuAsync(), await chain.SkuAsync());
        await chain.ReceiveAsync(store, listed, 4);
        await chain.ReceiveAsync(store, forgotten, 6);
        // The store view hears of changes asynchronously; the count reads each pair itself.
        await Eventually.Until(async () => (await (await Admin.GetAsync($"/api/v1/stores/{store}/stock")).ReadOk<JsonElement>())
            .GetProperty("items").GetArrayLength(), n => n == 2);

        var report = await (await CountAsync(store, new { id = TestChain.NewId("cnt"), scope = "full", lines = new[] { new { sku = listed, counted = 4 } } }))
            .ReadOk<CountReport>(HttpStatusCode.Created);

        var unlisted = report.Lines.Single(l => l.Sku == forgotten);
        Assert.Equal((false, 6m, 0m, -6m), (unlisted.Listed, unlisted.Before!.Value, unlisted.Counted, unlisted.Difference!.Value));
        Assert.Equal((4m, 0m), ((await StockAsync(store, listed)).OnHand, (await StockAsync(store, forgotten)).OnHand));
    }

    [Fact]
    public async Task A_retried_count_posts_once_and_another_body_under_its_id_is_a_conflict()
    {
        var (store, milk) = (await chain.StoreAsync(), await chain.SkuAsync());
        await chain.ReceiveAsync(store, milk, 10);
        var id = TestChain.NewId("cnt");
        var body = new { id, lines = new[] { new { sku = milk, counted = 8 } } };

        var first = await (await CountAsync(store, body)).ReadOk<CountReport>(HttpStatusCode.Created);
        await chain.ReceiveAsync(store, milk, 1);
        var again = await (await CountAsync(store, body)).ReadOk<CountReport>();

        Assert.Equal(Json(first), Json(again));
        Assert.Equal(9m, (await StockAsync(store, milk)).OnHand);
        await (await CountAsync(store, new { id, lines = new[] { new { sku = milk, counted = 7 } } })).AssertProblem(HttpStatusCode.Conflict, ErrorCodes.IdempotencyConflict);
    }

    [Fact]
    public async Task Bad_counts_are_refused_with_their_code_and_change_nothing()
    {
        var (store, milk) = (await chain.StoreAsync(), await chain.SkuAsync());
        await chain.ReceiveAsync(store, milk, 10);
        object Line(object counted) => new { sku = milk, counted };

        await (await CountAsync(store, new { id = "c1", lines = Array.Empty<object>() })).AssertProblem(HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "lines");
        await (await CountAsync(store, new { id = "c1", lines = new[] { Line(-1) } })).AssertProblem(HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "lines[0].counted");
        await (await CountAsync(store, new { id = "c1", lines = new[] { Line(1.2345m) } })).AssertProblem(HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "lines[0].counted");
        await (await CountAsync(store, new { id = "c1", lines = new[] { Line(1), Line(2) } })).AssertProblem(HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "lines[1].sku");
        await (await CountAsync(store, new { id = "c1", scope = "most", lines = new[] { Line(1) } })).AssertProblem(HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "scope");
        await (await CountAsync(store, new { id = "c1", lines = new[] { new { sku = "no-such", counted = 1 } } })).AssertProblem(HttpStatusCode.NotFound, ErrorCodes.UnknownSku);
        await (await Admin.PostJson("/api/v1/stores/no-such-store/counts", new { id = "c1", lines = new[] { Line(1) } })).AssertProblem(HttpStatusCode.NotFound, ErrorCodes.UnknownStore);
        await (await CountAsync(store, new { id = "c1", lines = Enumerable.Range(0, 1001).Select(i => new { sku = $"s{i}", counted = 1 }).ToArray() }))
            .AssertProblem(HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "lines");

        Assert.Equal(10m, (await StockAsync(store, milk)).OnHand);
        await (await Admin.GetAsync($"/api/v1/stores/{store}/counts/c1")).AssertProblem(HttpStatusCode.NotFound, ErrorCodes.NotFound);
    }
}
