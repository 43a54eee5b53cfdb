using System.Net;
using System.Text.Json;
using Retail.Common;
using Retail.Stock;

namespace Retail.Tests.Http;

/// <summary>One Server-Sent Event as a client sees it.</summary>
public sealed record ServerSentEvent(string Type, string Data);

/// <summary>Reads <c>text/event-stream</c>: fields up to a blank line make an event; comment lines are skipped.</summary>
public sealed class ServerSentEventReader(Stream stream)
{
    private readonly StreamReader reader = new(stream);

    public async Task<ServerSentEvent> NextAsync(CancellationToken cancellation)
    {
        string? type = null;
        var data = new List<string>();
        while (true)
        {
            var line = await reader.ReadLineAsync(cancellation) ?? throw new EndOfStreamException("The event stream ended.");
            if (line.Length == 0)
            {
                if (data.Count > 0)
                    return new ServerSentEvent(type ?? "message", string.Join("\n", data));
                continue;
            }
            if (line.StartsWith(':'))
                continue;
            var colon = line.IndexOf(':');
            var (field, value) = colon < 0 ? (line, "") : (line[..colon], line[(colon + 1)..].TrimStart(' '));
            if (field == "event")
                type = value;
            else if (field == "data")
                data.Add(value);
        }
    }
}

[Collection(ApiCollection.Name)]
public sealed class StockEventsTests(ApiFactory api)
{
    private readonly TestChain chain = new(api);

    private static async Task<(HttpResponseMessage Response, ServerSentEventReader Events)> SubscribeAsync(HttpClient client, string store, CancellationToken cancellation)
    {
        var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/stores/{store}/stock/events"),
            HttpCompletionOption.ResponseHeadersRead, cancellation);
        return (response, new ServerSentEventReader(await response.Content.ReadAsStreamAsync(cancellation)));
    }

    [Fact]
    public async Task A_subscriber_sees_each_change_of_its_store_once_and_in_order_of_version()
    {
        var (store, other) = (await chain.StoreAsync(), await chain.StoreAsync());
        var (milk, bread) = (await chain.SkuAsync(), await chain.SkuAsync());
        for (var i = 0; i < 3; i++)
            await chain.ReceiveAsync(store, milk, 1);
        var (_, _, manager) = await chain.KeyAsync("manager", storeIds: [store]);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        var (response, events) = await SubscribeAsync(manager, store, timeout.Token);
        using var _ = response;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);

        // Two tills' worth of movements at once, another store's, and a refused one: only this store's applied ones are events.
        async Task<List<StockLevel>> PostAsync(string sku, int count) =>
            [.. await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
                await (await manager.PostJson($"/api/v1/stores/{store}/stock/{sku}/movements",
                    new { id = $"{sku}-{i}", type = i % 3 == 2 ? "writeOff" : "goodsReceipt", quantity = 1 + i })).ReadOk<StockLevel>()))];
        var posted = await Task.WhenAll(PostAsync(milk, 12), PostAsync(bread, 8), chain.ReceiveAsync(other, milk, 5).ContinueWith(_ => new List<StockLevel>()));
        await (await manager.PostJson($"/api/v1/stores/{store}/stock/{milk}/movements", new { id = "bad", type = "writeOff", quantity = -1 }))
            .AssertProblem(HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "quantity");
        var last = await (await manager.PostJson($"/api/v1/stores/{store}/stock/{bread}/movements", new { id = "last", type = "correction", quantity = -2 })).ReadOk<StockLevel>();

        var seen = new List<StockLevel>();
        while (seen.Count < 12 + 8 + 1)
        {
            var next = await events.NextAsync(timeout.Token);
            Assert.Equal("stock", next.Type);
            var data = JsonDocument.Parse(next.Data).RootElement;
            Assert.Equal(data.GetProperty("onHand").GetDecimal() - data.GetProperty("reserved").GetDecimal(), data.GetProperty("available").GetDecimal());
            seen.Add(JsonSerializer.Deserialize<StockLevel>(next.Data, ApiFactory.Json)!);
        }

        Assert.All(seen, level => Assert.Equal(store, level.StoreId));
        Assert.Equal(Enumerable.Range(4, 12).Select(v => (long)v), seen.Where(l => l.Sku == milk).Select(l => l.Version));
        Assert.Equal(Enumerable.Range(1, 9).Select(v => (long)v), seen.Where(l => l.Sku == bread).Select(l => l.Version));
        // Each event is exactly the level its movement answered with.
        Assert.Equal(posted[0].Concat(posted[1]).Append(last).OrderBy(l => (l.Sku, l.Version)), seen.OrderBy(l => (l.Sku, l.Version)));
    }

    [Fact]
    public async Task Stock_events_of_an_unknown_store_are_a_404_and_of_another_store_a_403()
    {
        var store = await chain.StoreAsync();
        var (_, _, manager) = await chain.KeyAsync("manager", storeIds: [store]);

        await (await chain.Admin.GetAsync("/api/v1/stores/nowhere/stock/events")).AssertProblem(HttpStatusCode.NotFound, ErrorCodes.UnknownStore);
        await (await manager.GetAsync($"/api/v1/stores/{await chain.StoreAsync()}/stock/events")).AssertProblem(HttpStatusCode.Forbidden, ErrorCodes.Forbidden);
    }
}
