using System.Net;
using System.Text.Json;
using Retail.Common;
using Retail.Documents;
using Retail.Stock;
using Retail.Tests.Http;

namespace Retail.Tests.Documents;

[Collection(ApiCollection.Name)]
public sealed class TransfersApiTests(ApiFactory api)
{
    private readonly TestChain chain = new(api);
    private HttpClient Admin => chain.Admin;

    private async Task<StockLevel> StockAsync(string store, string sku) =>
        await (await Admin.GetAsync($"/api/v1/stores/{store}/stock/{sku}")).ReadOk<StockLevel>();

    private async Task<(string From, string To, string Milk, string Kefir)> TwoStoresAsync()
    {
        var (from, to, milk, kefir) = (await chain.StoreAsync(), await chain.StoreAsync(), await chain.SkuAsync(), await chain.SkuAsync());
        await chain.ReceiveAsync(from, milk, 50);
        await chain.ReceiveAsync(from, kefir, 20);
        return (from, to, milk, kefir);
    }

    private Task<HttpResponseMessage> CreateAsync(string id, string from, string to, params object[] lines) =>
        Admin.PostJson("/api/v1/transfers", new { id, fromStoreId = from, toStoreId = to, lines });

    [Fact]
    public async Task A_transfer_goes_from_draft_to_shipped_to_received_with_exact_stock_at_both_ends()
    {
        var (from, to, milk, kefir) = await TwoStoresAsync();
        var id = TestChain.NewId("tr");

        var draft = await (await CreateAsync(id, from, to, new { sku = milk, quantity = 10 }, new { sku = kefir, quantity = 4.5m })).ReadOk<TransferView>(HttpStatusCode.Created);
        Assert.Equal((TransferStatus.Draft, 50m), (draft.Status, (await StockAsync(from, milk)).OnHand));

        var shipped = await (await Admin.PostAsync($"/api/v1/transfers/{id}/ship", null)).ReadOk<TransferView>();
        var (sourceMilk, destinationMilk) = (await StockAsync(from, milk), await StockAsync(to, milk));
        Assert.Equal(TransferStatus.Shipped, shipped.Status);
        Assert.Equal((40m, 0m, 10m), (sourceMilk.OnHand, destinationMilk.OnHand, destinationMilk.Incoming));

        var received = await (await Admin.PostAsync($"/api/v1/transfers/{id}/receive", null)).ReadOk<TransferView>();
        var (milkThere, kefirThere, kefirHere) = (await StockAsync(to, milk), await StockAsync(to, kefir), await StockAsync(from, kefir));
        Assert.Equal(TransferStatus.Received, received.Status);
        Assert.Equal((10m, 0m), (milkThere.OnHand, milkThere.Incoming));
        Assert.Equal((4.5m, 0m, 15.5m), (kefirThere.OnHand, kefirThere.Incoming, kefirHere.OnHand));

        // Every change at the destination names the transfer.
        var history = await (await Admin.GetAsync($"/api/v1/stores/{to}/stock/{milk}/movements")).ReadOk<JsonElement>();
        Assert.All(history.EnumerateArray(), m => Assert.Equal(id, m.GetProperty("document").GetProperty("id").GetString()));
        Assert.Equal(["transferIn", "incoming"], history.EnumerateArray().Select(m => m.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task A_short_receipt_records_the_loss_in_transit_and_clears_incoming()
    {
        var (from, to, milk, kefir) = await TwoStoresAsync();
        var id = TestChain.NewId("tr");
        (await CreateAsync(id, from, to, new { sku = milk, quantity = 10 }, new { sku = kefir, quantity = 3 })).EnsureSuccessStatusCode();
        (await Admin.PostAsync($"/api/v1/transfers/{id}/ship", null)).EnsureSuccessStatusCode();

        var received = await (await Admin.PostJson($"/api/v1/transfers/{id}/receive", new { lines = new[] { new { sku = milk, quantity = 7.25m } } }))
            .ReadOk<TransferView>();

        Assert.Equal([(kefir, 0m, 3m), (milk, 7.25m, 2.75m)],
            received.Lines.OrderBy(l => l.Sku == milk).Select(l => (l.Sku, l.Received!.Value, l.Lost!.Value)));
        var (milkThere, kefirThere) = (await StockAsync(to, milk), await StockAsync(to, kefir));
        Assert.Equal((7.25m, 0m), (milkThere.OnHand, milkThere.Incoming));
        Assert.Equal((0m, 0m), (kefirThere.OnHand, kefirThere.Incoming));
        Assert.Equal((40m, 17m), ((await StockAsync(from, milk)).OnHand, (await StockAsync(from, kefir)).OnHand));
        var loss = await (await Admin.GetAsync($"/api/v1/stores/{to}/stock/{milk}/movements")).ReadOk<JsonElement>();
        Assert.Equal(StockRules.LossInTransit, loss[0].GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_draft_is_canceled_and_each_transition_out_of_turn_changes_nothing()
    {
        var (from, to, milk, _) = await TwoStoresAsync();
        var (canceled, done) = (TestChain.NewId("tr"), TestChain.NewId("tr"));
        (await CreateAsync(canceled, from, to, new { sku = milk, quantity = 5 })).EnsureSuccessStatusCode();
        (await CreateAsync(done, from, to, new { sku = milk, quantity = 5 })).EnsureSuccessStatusCode();

        Assert.Equal(TransferStatus.Canceled, (await (await Admin.PostAsync($"/api/v1/transfers/{canceled}/cancel", null)).ReadOk<TransferView>()).Status);
        await (await Admin.PostAsync($"/api/v1/transfers/{canceled}/ship", null)).AssertProblem(HttpStatusCode.Conflict, ErrorCodes.InvalidState);
        await (await Admin.PostAsync($"/api/v1/transfers/{done}/receive", null)).AssertProblem(HttpStatusCode.Conflict, ErrorCodes.InvalidState);
        (await Admin.PostAsync($"/api/v1/transfers/{done}/ship", null)).EnsureSuccessStatusCode();
        await (await Admin.PostAsync($"/api/v1/transfers/{done}/ship", null)).AssertProblem(HttpStatusCode.Conflict, ErrorCodes.InvalidState);
        await (await Admin.PostAsync($"/api/v1/transfers/{done}/cancel", null)).AssertProblem(HttpStatusCode.Conflict, ErrorCodes.InvalidState);
        (await Admin.PostAsync($"/api/v1/transfers/{done}/receive", null)).EnsureSuccessStatusCode();
        await (await Admin.PostAsync($"/api/v1/transfers/{done}/receive", null)).AssertProblem(HttpStatusCode.Conflict, ErrorCodes.InvalidState);

        Assert.Equal(45m, (await StockAsync(from, milk)).OnHand);
        Assert.Equal((5m, 0m), ((await StockAsync(to, milk)).OnHand, (await StockAsync(to, milk)).Incoming));
    }

    [Fact]
    public async Task The_same_id_creates_once_and_another_body_is_a_conflict()
    {
        var (from, to, milk, kefir) = await TwoStoresAsync();
        var id = TestChain.NewId("tr");

        (await CreateAsync(id, from, to, new { sku = milk, quantity = 5 })).EnsureSuccessStatusCode();
        var again = await CreateAsync(id, from, to, new { sku = milk, quantity = 5 });
        var other = await CreateAsync(id, from, to, new { sku = kefir, quantity = 5 });

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        await other.AssertProblem(HttpStatusCode.Conflict, ErrorCodes.IdempotencyConflict);
    }

    [Fact]
    public async Task A_stores_transfers_are_listed_at_both_ends_by_status()
    {
        var (from, to, milk, _) = await TwoStoresAsync();
        var (shipped, draft) = (TestChain.NewId("tr"), TestChain.NewId("tr"));
        (await CreateAsync(shipped, from, to, new { sku = milk, quantity = 1 })).EnsureSuccessStatusCode();
        (await CreateAsync(draft, from, to, new { sku = milk, quantity = 1 })).EnsureSuccessStatusCode();
        (await Admin.PostAsync($"/api/v1/transfers/{shipped}/ship", null)).EnsureSuccessStatusCode();

        var atSource = await (await Admin.GetAsync($"/api/v1/transfers?storeId={from}")).ReadOk<List<TransferView>>();
        var inTransit = await (await Admin.GetAsync($"/api/v1/transfers?storeId={to}&status=shipped")).ReadOk<List<TransferView>>();

        Assert.Equal(new[] { draft, shipped }.Order(), atSource.Select(t => t.Id).Order());
        Assert.Equal([shipped], inTransit.Select(t => t.Id));
        await (await Admin.GetAsync($"/api/v1/transfers?storeId={to}&status=lost")).AssertProblem(HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "status");
    }

    [Fact]
    public async Task Bad_transfers_are_refused_with_their_code_and_change_nothing()
    {
        var (from, to, milk, _) = await TwoStoresAsync();
        var line = new { sku = milk, quantity = 1 };

        await (await CreateAsync(TestChain.NewId("tr"), from, from, line)).AssertProblem(HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "toStoreId");
        await (await CreateAsync(TestChain.NewId("tr"), from, "nowhere", line)).AssertProblem(HttpStatusCode.NotFound, ErrorCodes.UnknownStore);
        await (await CreateAsync(TestChain.NewId("tr"), from, to, new { sku = "no-such-sku", quantity = 1 })).AssertProblem(HttpStatusCode.NotFound, ErrorCodes.UnknownSku);
        await (await CreateAsync(TestChain.NewId("tr"), from, to)).AssertProblem(HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "lines");
        await (await CreateAsync(TestChain.NewId("tr"), from, to, line, line)).AssertProblem(HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "lines[1].sku");
        await (await CreateAsync(TestChain.NewId("tr"), from, to, new { sku = milk, quantity = 0 })).AssertProblem(HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "lines[0].quantity");
        await (await CreateAsync(TestChain.NewId("tr"), from, to, new { sku = milk, quantity = 1.0005m })).AssertProblem(HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "lines[0].quantity");
        await (await CreateAsync(TestChain.NewId("tr"), from, to, Enumerable.Repeat<object>(line, 1001).ToArray())).AssertProblem(HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "lines");
        await (await Admin.PostRaw("/api/v1/transfers", "{\"id\":\"x\",\"lines\":\"many\"}")).AssertProblem(HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed);
        await (await Admin.PostAsync("/api/v1/transfers/no-such/ship", null)).AssertProblem(HttpStatusCode.NotFound, ErrorCodes.NotFound);

        Assert.Equal(50m, (await StockAsync(from, milk)).OnHand);
        Assert.Empty(await (await Admin.GetAsync($"/api/v1/transfers?storeId={from}")).ReadOk<List<TransferView>>());
    }

    [Fact]
    public async Task A_manager_ships_from_its_store_and_receives_at_its_store_only()
    {
        var (from, to, milk, _) = await TwoStoresAsync();
        var (_, _, source) = await chain.KeyAsync("manager", [from]);
        var (_, _, destination) = await chain.KeyAsync("manager", [to]);
        var id = TestChain.NewId("tr");

        await (await destination.PostJson("/api/v1/transfers", new { id, fromStoreId = from, toStoreId = to, lines = new[] { new { sku = milk, quantity = 2 } } }))
            .AssertProblem(HttpStatusCode.Forbidden, ErrorCodes.Forbidden);
        (await source.PostJson("/api/v1/transfers", new { id, fromStoreId = from, toStoreId = to, lines = new[] { new { sku = milk, quantity = 2 } } })).EnsureSuccessStatusCode();
        await (await destination.PostAsync($"/api/v1/transfers/{id}/ship", null)).AssertProblem(HttpStatusCode.Forbidden, ErrorCodes.Forbidden);
        (await source.PostAsync($"/api/v1/transfers/{id}/ship", null)).EnsureSuccessStatusCode();
        await (await source.PostAsync($"/api/v1/transfers/{id}/receive", null)).AssertProblem(HttpStatusCode.Forbidden, ErrorCodes.Forbidden);
        (await destination.GetAsync($"/api/v1/transfers/{id}")).EnsureSuccessStatusCode();
        (await destination.PostAsync($"/api/v1/transfers/{id}/receive", null)).EnsureSuccessStatusCode();

        Assert.Equal(2m, (await StockAsync(to, milk)).OnHand);
    }
}
