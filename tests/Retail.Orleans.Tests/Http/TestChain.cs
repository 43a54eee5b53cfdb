using System.Text.Json;

namespace Retail.Orleans.Tests.Http;

/// <summary>Stores, SKUs, registers and API keys of one test, made through the API with the admin token.</summary>
public sealed class TestChain(ApiFactory api)
{
    public HttpClient Admin { get; } = api.Admin();

    public static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    public async Task<string> StoreAsync()
    {
        var store = NewId("st");
        (await Admin.PutJson($"/api/v1/stores/{store}", new { name = "Store", address = "Moscow", timeZone = "Europe/Moscow", inn = "7707083893", taxationSystem = "osn" }))
            .EnsureSuccessStatusCode();
        return store;
    }

    public async Task<string> SkuAsync()
    {
        var sku = NewId("sku");
        (await Admin.PutJson($"/api/v1/skus/{sku}", new { name = "Kefir", unit = "pcs", vat = "vat22", price = 100, kind = "goods" })).EnsureSuccessStatusCode();
        return sku;
    }

    public async Task ReceiveAsync(string store, string sku, decimal quantity) =>
        (await Admin.PostJson($"/api/v1/stores/{store}/stock/{sku}/movements", new { id = NewId("in"), type = "goodsReceipt", quantity }))
            .EnsureSuccessStatusCode();

    public async Task<string> RegisterAsync(string store, bool openShift = true)
    {
        var register = NewId("till");
        (await Admin.PutJson($"/api/v1/registers/{register}", new { storeId = store })).EnsureSuccessStatusCode();
        if (openShift)
            (await Admin.PostJson($"/api/v1/registers/{register}/shifts/open", new { cashier = new { name = "Ivanova" } })).EnsureSuccessStatusCode();
        return register;
    }

    /// <summary>Issues a key; returns its id, its token and a client that sends it.</summary>
    public async Task<(string Id, string Token, HttpClient Client)> KeyAsync(string role, string[]? storeIds = null, string[]? registerIds = null)
    {
        var issued = await (await Admin.PostJson("/api/v1/api-keys", new { role, storeIds, registerIds })).ReadOk<JsonElement>(System.Net.HttpStatusCode.Created);
        var token = issued.GetProperty("token").GetString()!;
        return (issued.GetProperty("id").GetString()!, token, api.WithToken(token));
    }

    public static object Sale(string id, string sku, decimal quantity = 1, decimal price = 100) => new
    {
        id, operation = "sell",
        items = new[] { new { sku, quantity, price } },
        payments = new[] { new { type = "cash", amount = quantity * price } },
    };
}
