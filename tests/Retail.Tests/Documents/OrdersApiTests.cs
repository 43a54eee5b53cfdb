using System.Net;
using Retail.Common;
using Retail.Documents;
using Retail.Stock;
using Retail.Tests.Http;

namespace Retail.Tests.Documents;

[Collection(ApiCollection.Name)]
public sealed class OrdersApiTests(ApiFactory api)
{
    private readonly TestChain chain = new(api);
    private HttpClient Admin => chain.Admin;

    /// <summary>A store whose online register is registered with its shift closed: paying opens it.</summary>
    private async Task<(string Store, string Sku)> ShopAsync(decimal stock = 10)
    {
        var (store, sku) = (await chain.StoreAsync(), await chain.SkuAsync());
        var register = await chain.RegisterAsync(store, openShift: false);
        (await Admin.PutJson($"/api/v1/stores/{store}", new { name = "Store", address = "Moscow", timeZone = "Europe/Moscow", inn = "7707083893", taxationSystem = "osn", onlineRegisterId = register }))
            .EnsureSuccessStatusCode();
        await chain.ReceiveAsync(store, sku, stock);
        return (store, sku);
    }

    private async Task<StockLevel> StockAsync(string store, string sku) =>
        await (await Admin.GetAsync($"/api/v1/stores/{store}/stock/{sku}")).ReadOk<StockLevel>();

    private Task<HttpResponseMessage> PlaceAsync(HttpClient client, string id, string store, object lines, object? customer = null) =>
        client.PostJson("/api/v1/orders", new { id, storeId = store, lines, customer = customer ?? new { email = "buyer@example.ru" }, crmDealId = "deal-1" });

    [Fact]
    public async Task A_web_shop_places_pays_and_refunds_an_order_through_the_api()
    {
        var (store, sku) = await ShopAsync();
        var (_, _, shop) = await chain.KeyAsync("integration", [store]);
        var id = TestChain.NewId("ord");

        var placed = await (await PlaceAsync(shop, id, store, new[] { new { sku, quantity = 3, price = 100 } })).ReadOk<OrderView>(HttpStatusCode.Created);
        Assert.Equal((OrderStatus.Reserved, 300m, 3m), (placed.Status, placed.Total, (await StockAsync(store, sku)).Reserved));
        var paid = await (await shop.PostJson($"/api/v1/orders/{id}/pay", new { payments = new[] { new { type = "electronic", amount = 300 } } })).ReadOk<OrderView>();
        var again = await (await shop.PostJson($"/api/v1/orders/{id}/pay", new { payments = new[] { new { type = "electronic", amount = 300 } } })).ReadOk<OrderView>();

        Assert.Equal(OrderStatus.Paid, paid.Status);
        Assert.Equal(paid.Receipt, again.Receipt);
        Assert.Equal((7m, 0m), ((await StockAsync(store, sku)).OnHand, (await StockAsync(store, sku)).Reserved));
        var refunded = await (await shop.PostJson($"/api/v1/orders/{id}/refund", new { id = "r1", lines = new[] { new { sku, quantity = 1 } } })).ReadOk<OrderView>();
        Assert.Equal((1, 8m), (refunded.Refunds.Count, (await StockAsync(store, sku)).OnHand));
        Assert.Equal(OrderStatus.Paid, (await (await shop.GetAsync($"/api/v1/orders/{id}")).ReadOk<OrderView>()).Status);
    }

    [Fact]
    public async Task Orders_beyond_what_is_available_are_refused_and_cancel_gives_the_stock_back()
    {
        var (store, sku) = await ShopAsync(stock: 5);
        var (first, second) = (TestChain.NewId("ord"), TestChain.NewId("ord"));

        (await PlaceAsync(Admin, first, store, new[] { new { sku, quantity = 4, price = 100 } })).EnsureSuccessStatusCode();
        await (await PlaceAsync(Admin, second, store, new[] { new { sku, quantity = 2, price = 100 } })).AssertProblem(HttpStatusCode.Conflict, ErrorCodes.InsufficientStock);
        (await Admin.PostAsync($"/api/v1/orders/{first}/cancel", null)).EnsureSuccessStatusCode();
        await (await Admin.PostJson($"/api/v1/orders/{first}/pay", new { payments = new[] { new { type = "electronic", amount = 400 } } }))
            .AssertProblem(HttpStatusCode.Conflict, ErrorCodes.InvalidState);
        (await PlaceAsync(Admin, second, store, new[] { new { sku, quantity = 2, price = 100 } })).EnsureSuccessStatusCode();

        Assert.Equal((5m, 2m), ((await StockAsync(store, sku)).OnHand, (await StockAsync(store, sku)).Reserved));
    }

    [Fact]
    public async Task An_orders_buyer_e_mail_is_one_its_receipt_can_carry()
    {
        var (store, sku) = await ShopAsync();
        var line = new[] { new { sku, quantity = 1, price = 100 } };
        var longest = new string('b', 64 - "@example.ru".Length) + "@example.ru";
        var (fits, tooLong) = (TestChain.NewId("ord"), TestChain.NewId("ord"));

        var placed = await PlaceAsync(Admin, fits, store, line, new { email = longest });
        var paid = await Admin.PostJson($"/api/v1/orders/{fits}/pay", new { payments = new[] { new { type = "electronic", amount = 100 } } });
        var refused = await PlaceAsync(Admin, tooLong, store, line, new { email = "b" + longest });

        await placed.ReadOk<OrderView>(HttpStatusCode.Created);
        Assert.Equal(OrderStatus.Paid, (await paid.ReadOk<OrderView>()).Status);
        await refused.AssertProblem(HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "customer.email");
        Assert.Equal(0m, (await StockAsync(store, sku)).Reserved);
    }

    [Fact]
    public async Task Bad_orders_are_refused_with_their_code_and_change_nothing()
    {
        var (store, sku) = await ShopAsync();
        var (_, _, other) = await chain.KeyAsync("integration", [await chain.StoreAsync()]);
        var line = new[] { new { sku, quantity = 1, price = 100 } };

        await (await PlaceAsync(Admin, "o1", store, line, new { })).AssertProblem(HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "customer");
        await (await PlaceAsync(Admin, "o1", store, line, new { email = "not-an-address" })).AssertProblem(HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "customer.email");
        await (await PlaceAsync(Admin, "o1", store, Array.Empty<object>())).AssertProblem(HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "lines");
        await (await PlaceAsync(Admin, "o1", store, new[] { new { sku, quantity = 1, price = 100 }, new { sku, quantity = 2, price = 100 } }))
            .AssertProblem(HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "lines[1].sku");
        await (await PlaceAsync(Admin, "o1", store, new[] { new { sku, quantity = 0, price = 100 } })).AssertProblem(HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "lines[0].quantity");
        await (await PlaceAsync(Admin, "o1", store, new[] { new { sku, quantity = 1, price = -1 } })).AssertProblem(HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "lines[0].price");
        await (await PlaceAsync(Admin, "o1", store, new[] { new { sku = "no-such", quantity = 1, price = 1 } })).AssertProblem(HttpStatusCode.NotFound, ErrorCodes.UnknownSku);
        await (await PlaceAsync(Admin, "o1", "no-such-store", line)).AssertProblem(HttpStatusCode.NotFound, ErrorCodes.UnknownStore);
        await (await PlaceAsync(other, "o1", store, line)).AssertProblem(HttpStatusCode.Forbidden, ErrorCodes.Forbidden);
        await (await Admin.PostJson("/api/v1/orders/no-such/pay", new { payments = new[] { new { type = "electronic", amount = 1 } } })).AssertProblem(HttpStatusCode.NotFound, ErrorCodes.NotFound);

        (await PlaceAsync(Admin, "o1", store, line)).EnsureSuccessStatusCode();
        await (await PlaceAsync(Admin, "o1", store, new[] { new { sku, quantity = 2, price = 100 } })).AssertProblem(HttpStatusCode.Conflict, ErrorCodes.IdempotencyConflict);
        await (await Admin.PostJson("/api/v1/orders/o1/pay", new { payments = new[] { new { type = "electronic", amount = 50 } } })).AssertProblem(HttpStatusCode.UnprocessableEntity, ErrorCodes.PaymentMismatch);
        await (await Admin.PostJson("/api/v1/orders/o1/pay", new { payments = Array.Empty<object>() })).AssertProblem(HttpStatusCode.BadRequest, ErrorCodes.ValidationFailed, "payments");
        Assert.Equal((10m, 1m), ((await StockAsync(store, sku)).OnHand, (await StockAsync(store, sku)).Reserved));
    }
}
